// @ts-check
/**
 * Local OpenID Provider for development (`npm run dev`) and end-to-end tests.
 *
 * A thin wrapper around `oidc-provider`: any user name signs in (no password),
 * there is no consent screen, and a few test hooks (`/__requests`, `/__grants`, `/__logouts`,
 * `/__health`) let tests assert on what the relying party did; `/__claims` and `/__revoke` change a user's claims
 * and revoke their grants (refresh tokens) as an administrator would.
 *
 * Refresh tokens are issued to a client that asks for `offline_access` (as Okta, Auth0, Keycloak and Entra do;
 * `prompt=consent` is added for it). Options for tests of sessions: `accessTokenTtl` (seconds), `refreshTokens`
 * ("rotate": a new refresh token on every refresh, a used one refused and the grant revoked, as oidc-provider does;
 * "keep": the same one stays valid), and `reuseGrace` (seconds a used refresh token is still accepted once more, like
 * Okta's grace period and Auth0's reuse interval).
 *
 * Library use:
 *   import { startLocalIdp } from "./scripts/local-idp.mjs";
 *   const idp = await startLocalIdp({ port: 9400, clients: [...] });
 *   ...; await idp.close();
 *
 * CLI use:
 *   node scripts/local-idp.mjs --port 4100 \
 *     --client 'local-dev:SECRET:http://localhost:3100/oauth2callback'
 *   (or env LOCAL_IDP_PORT and LOCAL_IDP_CLIENTS='[{"client_id":...}]')
 */

import { createServer } from "node:http";
import { createHash, randomBytes, randomUUID } from "node:crypto";
import { pathToFileURL } from "node:url";
import { exportJWK, generateKeyPair } from "jose";

/** @typedef {{ client_id: string, client_secret: string, redirect_uris: string[], post_logout_redirect_uris?: string[] }} LocalClient */
/**
 * `conformant: true` behaves like a stock, spec-conformant provider: profile and email claims only from the userinfo
 * endpoint (OIDC Core §5.4), and `prompt=select_account` refused as unsupported (oidc-provider's default).
 * @typedef {{ port?: number, host?: string, clients: LocalClient[], quiet?: boolean, conformant?: boolean,
 *   accessTokenTtl?: number, refreshTokens?: "rotate" | "keep", reuseGrace?: number }} LocalIdpOptions
 */
/** @typedef {{ issuer: string, port: number, close(): Promise<void> }} LocalIdp */
/** @typedef {import("node:http").IncomingMessage} Req */
/** @typedef {import("node:http").ServerResponse} Res */
/** @typedef {Record<string, unknown>} Claims */

/** Claims released per scope (`conformIdTokenClaims: false` puts them into the ID token). */
const CLAIMS = {
  openid: ["sub"],
  email: ["email", "email_verified"],
  profile: [
    "name",
    "given_name",
    "family_name",
    "preferred_username",
    "picture",
    "locale",
    "updated_at",
    "groups",
    "roles",
  ],
};
const ALL_CLAIM_NAMES = [...CLAIMS.openid, ...CLAIMS.email, ...CLAIMS.profile];
const EXTRA_CLAIM_NAMES = ALL_CLAIM_NAMES.filter((name) => name !== "sub");
const BODY_LIMIT = 64 * 1024;
const RECORDED_MARKER = "_local_idp_recorded";

// ---------------------------------------------------------------------------
// oidc-provider loading (its import prints "Unsupported runtime" on Node 20)
// ---------------------------------------------------------------------------

/** @type {Promise<any> | undefined} */
let providerClassPromise;
/** Module specifier kept in a variable: oidc-provider ships no type declarations (would be TS7016). */
const OIDC_PROVIDER_MODULE = "oidc-provider";

/**
 * Drops console.warn lines starting with "oidc-provider WARNING" (possibly wrapped in ANSI
 * colour codes when stderr is a TTY) until the returned function is called.
 * @returns {() => void} restore
 */
function muteProviderWarnings() {
  const original = console.warn;
  console.warn = (...args) => {
    const first = args[0];
    if (typeof first === "string" && /^(?:\x1b\[[\d;]*m)?oidc-provider WARNING/.test(first)) return;
    original.apply(console, args);
  };
  return () => {
    console.warn = original;
  };
}

/** @returns {Promise<any>} the oidc-provider `Provider` class */
function loadProviderClass() {
  providerClassPromise ??= (async () => {
    // Importing it prints "Unsupported runtime" on Node 20 (it asks for Node 22+).
    const restore = muteProviderWarnings();
    try {
      const mod = await import(OIDC_PROVIDER_MODULE);
      return mod.default ?? mod.Provider;
    } finally {
      restore();
    }
  })();
  return providerClassPromise;
}

// ---------------------------------------------------------------------------
// Per-instance in-memory adapter (the built-in one is an LRU capped at 1000
// entries, which a benchmark can overflow, and it prints a warning).
// ---------------------------------------------------------------------------

const GRANTABLE = new Set([
  "AccessToken",
  "AuthorizationCode",
  "RefreshToken",
  "DeviceCode",
  "BackchannelAuthenticationRequest",
  "PreAuthorizedCode",
]);

/** @typedef {{ payload: any, expiresAt: number }} StoredEntry */

class MemoryStore {
  constructor() {
    /** @type {Map<string, StoredEntry>} */
    this.entries = new Map();
    /** @type {Map<string, string>} secondary index key -> model key */
    this.index = new Map();
    /** @type {Map<string, Set<string>>} grantId -> model keys */
    this.grants = new Map();
  }

  /** @param {string} key */
  get(key) {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= Date.now()) {
      this.delete(key);
      return undefined;
    }
    return entry.payload;
  }

  /** @param {string} key */
  delete(key) {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    const { payload } = entry;
    if (payload?.uid && this.index.get(`uid:${payload.uid}`) === key) this.index.delete(`uid:${payload.uid}`);
    if (payload?.userCode && this.index.get(`userCode:${payload.userCode}`) === key) {
      this.index.delete(`userCode:${payload.userCode}`);
    }
    if (payload?.grantId) {
      const members = this.grants.get(payload.grantId);
      members?.delete(key);
      if (members && members.size === 0) this.grants.delete(payload.grantId);
    }
  }

  sweep() {
    const now = Date.now();
    for (const [key, entry] of this.entries) {
      if (entry.expiresAt <= now) this.delete(key);
    }
  }

  /**
   * @param {MemoryStore} store
   * @param {number} [reuseGrace] seconds a consumed refresh token still reads as unused
   */
  static adapterFactory(store, reuseGrace = 0) {
    /** @param {string} model */
    return (model) => {
      /** @param {string} id */
      const keyFor = (id) => `${model}:${id}`;
      return {
        /** @param {string} id @param {any} payload @param {number | undefined} expiresIn */
        async upsert(id, payload, expiresIn) {
          const key = keyFor(id);
          store.delete(key);
          const expiresAt = typeof expiresIn === "number" ? Date.now() + expiresIn * 1000 : Infinity;
          store.entries.set(key, { payload, expiresAt });
          if (model === "Session" && payload.uid) store.index.set(`uid:${payload.uid}`, key);
          if (payload.userCode) store.index.set(`userCode:${payload.userCode}`, key);
          if (GRANTABLE.has(model) && payload.grantId) {
            let members = store.grants.get(payload.grantId);
            if (!members) store.grants.set(payload.grantId, (members = new Set()));
            members.add(key);
          }
        },
        /** @param {string} id */
        async find(id) {
          const payload = store.get(keyFor(id));
          const consumedAt = payload?.consumed;
          if (model === "RefreshToken" && typeof consumedAt === "number" && Date.now() / 1000 - consumedAt < reuseGrace)
            return { ...payload, consumed: undefined };
          return payload;
        },
        /** @param {string} uid */
        async findByUid(uid) {
          const key = store.index.get(`uid:${uid}`);
          return key ? store.get(key) : undefined;
        },
        /** @param {string} userCode */
        async findByUserCode(userCode) {
          const key = store.index.get(`userCode:${userCode}`);
          return key ? store.get(key) : undefined;
        },
        /** @param {string} id */
        async consume(id) {
          const payload = store.get(keyFor(id));
          if (payload) payload.consumed = Math.floor(Date.now() / 1000);
        },
        /** @param {string} id */
        async destroy(id) {
          store.delete(keyFor(id));
        },
        /** @param {string} grantId */
        async revokeByGrantId(grantId) {
          for (const key of [...(store.grants.get(grantId) ?? [])]) store.delete(key);
          store.grants.delete(grantId);
        },
      };
    };
  }
}

// ---------------------------------------------------------------------------
// Small helpers
// ---------------------------------------------------------------------------

/** @param {unknown} value */
function html(value) {
  return String(value)
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;")
    .replaceAll("'", "&#39;");
}

/** @param {string} word */
function capitalise(word) {
  return word ? word.charAt(0).toUpperCase() + word.slice(1) : word;
}

/** @param {unknown} value @returns {value is Record<string, unknown>} */
function isPlainObject(value) {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * @param {Req} req
 * @param {number} [limit]
 * @returns {Promise<Buffer>}
 */
async function readBody(req, limit = BODY_LIMIT) {
  /** @type {Buffer[]} */
  const chunks = [];
  let size = 0;
  for await (const chunk of req) {
    size += chunk.length;
    if (size > limit) throw Object.assign(new Error("request body too large"), { status: 413 });
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** @param {Req} req */
function isFormPost(req) {
  return (
    req.method === "POST" &&
    String(req.headers["content-type"] ?? "")
      .toLowerCase()
      .startsWith("application/x-www-form-urlencoded")
  );
}

/**
 * `select_account` -> `login` (space-separated list, deduplicated).
 * @param {string} prompt
 */
function rewritePrompt(prompt) {
  const values = prompt
    .split(" ")
    .filter(Boolean)
    .map((value) => (value === "select_account" ? "login" : value));
  return [...new Set(values)].join(" ");
}

/**
 * @param {URLSearchParams} params
 * @param {boolean} [offline] `offline_access` was asked for: oidc-provider grants it only with prompt=consent
 * @returns {boolean} whether params changed
 */
function rewritePromptParam(params, offline = false) {
  const prompt = params.get("prompt");
  if (prompt == null) return false;
  const rewritten = rewritePrompt(offline ? `${prompt} consent` : prompt);
  if (rewritten === prompt && params.getAll("prompt").length === 1) return false;
  params.set("prompt", rewritten);
  return true;
}

/**
 * @param {Res} res
 * @param {number} status
 * @param {string} contentType
 * @param {string | Buffer} body
 * @param {Record<string, string>} [headers]
 */
function send(res, status, contentType, body, headers = {}) {
  if (res.headersSent) {
    res.end();
    return;
  }
  res.writeHead(status, {
    "content-type": contentType,
    "cache-control": "no-store",
    ...headers,
  });
  res.end(body);
}

/**
 * @param {string} title
 * @param {string} body
 */
function page(title, body) {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${html(title)}</title>
<style>
  *{box-sizing:border-box}
  body{margin:0;min-height:100vh;display:flex;align-items:center;justify-content:center;background:#f3f4f6;color:#111827;font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif}
  main{width:100%;max-width:420px;margin:24px;padding:28px 28px 24px;background:#fff;border-radius:12px;box-shadow:0 1px 3px rgba(0,0,0,.08),0 8px 24px rgba(0,0,0,.06)}
  h1{font-size:20px;margin:0 0 4px}
  p{margin:0 0 16px;color:#4b5563}
  label{display:block;font-weight:600;margin:14px 0 6px}
  input,textarea{width:100%;padding:9px 11px;border:1px solid #d1d5db;border-radius:8px;font:inherit;background:#fff}
  textarea{min-height:90px;font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:13px}
  input:focus,textarea:focus{outline:2px solid #2563eb;outline-offset:1px;border-color:#2563eb}
  button{margin-top:18px;width:100%;padding:10px 14px;border:0;border-radius:8px;background:#2563eb;color:#fff;font:inherit;font-weight:600;cursor:pointer}
  button:hover{background:#1d4ed8}
  code{background:#f3f4f6;padding:1px 5px;border-radius:4px;font-size:13px}
  .hint{font-size:13px;color:#6b7280;margin:6px 0 0}
  .error{background:#fef2f2;color:#991b1b;border:1px solid #fecaca;border-radius:8px;padding:9px 11px;margin:0 0 12px}
  .badge{display:inline-block;font-size:12px;color:#6b7280;text-transform:uppercase;letter-spacing:.05em;margin-bottom:10px}
</style>
</head>
<body>
<main>
<div class="badge">Local OpenID Provider</div>
${body}
</main>
</body>
</html>`;
}

/**
 * @param {{ uid: string, clientId: string, login?: string, claims?: string, error?: string }} input
 */
function loginPage({ uid, clientId, login = "", claims = "", error }) {
  return page(
    "Sign in - Local OpenID Provider",
    `<h1>Sign in</h1>
<p><code>${html(clientId)}</code> is asking you to sign in. Any user name works; there is no password.</p>
${error ? `<div class="error" role="alert">${html(error)}</div>` : ""}
<form method="post" action="/interaction/${encodeURIComponent(uid)}/login" autocomplete="off">
  <label for="login">User name</label>
  <input id="login" name="login" placeholder="alice" value="${html(login)}" autofocus required>
  <label for="claims">Extra ID token claims (JSON object, optional)</label>
  <textarea id="claims" name="claims" placeholder='{"groups": ["admins"], "roles": ["editor"]}'>${html(claims)}</textarea>
  <p class="hint">Supported: ${EXTRA_CLAIM_NAMES.map((name) => `<code>${name}</code>`).join(" ")}</p>
  <button type="submit">Sign in</button>
</form>`,
  );
}

/** @param {string} name */
function avatarSvg(name) {
  const initial = (Array.from(name.trim())[0] ?? "?").toUpperCase();
  const hue = createHash("sha256").update(name).digest().readUInt16BE(0) % 360;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="96" height="96" viewBox="0 0 96 96" role="img" aria-label="${html(name)}">
<circle cx="48" cy="48" r="48" fill="hsl(${hue},55%,45%)"/>
<text x="48" y="48" dy=".35em" text-anchor="middle" font-family="system-ui,-apple-system,Segoe UI,Roboto,Helvetica,Arial,sans-serif" font-size="44" font-weight="600" fill="#fff">${html(initial)}</text>
</svg>`;
}

/**
 * Default claims for an account id, e.g. "alice.smith" -> Alice Smith.
 * @param {string} id
 * @param {string} issuer
 * @returns {Claims}
 */
function defaultClaims(id, issuer) {
  const local = id.includes("@") ? id.slice(0, id.indexOf("@")) : id;
  const parts = local
    .split(/[\s._+-]+/)
    .filter(Boolean)
    .map(capitalise);
  const givenName = parts[0] ?? capitalise(local);
  const familyName = parts.length > 1 ? parts.slice(1).join(" ") : "Example";
  return {
    sub: id,
    preferred_username: id,
    email: id.includes("@") ? id : `${id.replace(/\s+/g, ".")}@example.test`.toLowerCase(),
    email_verified: true,
    name: parts.length ? parts.join(" ") : capitalise(local),
    given_name: givenName,
    family_name: familyName,
    locale: "en",
    picture: `${issuer}/avatar/${encodeURIComponent(id)}.svg`,
  };
}

/**
 * @param {unknown} value
 * @param {string} where
 * @returns {LocalClient}
 */
function validateClient(value, where) {
  if (!isPlainObject(value)) throw new TypeError(`${where}: expected an object`);
  const { client_id, client_secret, redirect_uris, post_logout_redirect_uris } = value;
  if (typeof client_id !== "string" || !client_id)
    throw new TypeError(`${where}: client_id must be a non-empty string`);
  if (typeof client_secret !== "string" || !client_secret) {
    throw new TypeError(`${where}: client_secret must be a non-empty string`);
  }
  if (!Array.isArray(redirect_uris) || !redirect_uris.length || !redirect_uris.every((u) => typeof u === "string")) {
    throw new TypeError(`${where}: redirect_uris must be a non-empty array of strings`);
  }
  if (
    post_logout_redirect_uris !== undefined &&
    (!Array.isArray(post_logout_redirect_uris) || !post_logout_redirect_uris.every((u) => typeof u === "string"))
  ) {
    throw new TypeError(`${where}: post_logout_redirect_uris must be an array of strings`);
  }
  return {
    client_id,
    client_secret,
    redirect_uris: /** @type {string[]} */ (redirect_uris),
    post_logout_redirect_uris: /** @type {string[] | undefined} */ (post_logout_redirect_uris),
  };
}

// ---------------------------------------------------------------------------
// The provider
// ---------------------------------------------------------------------------

/**
 * Starts a local OpenID Provider.
 * @param {LocalIdpOptions} options
 * @returns {Promise<LocalIdp>}
 */
export async function startLocalIdp({
  port = 9400,
  host = "127.0.0.1",
  clients,
  quiet = false,
  conformant = false,
  accessTokenTtl = 3600,
  refreshTokens,
  reuseGrace = 0,
}) {
  if (!Array.isArray(clients) || clients.length === 0) {
    throw new TypeError("startLocalIdp: at least one client is required");
  }
  const localClients = clients.map((client, i) => validateClient(client, `clients[${i}]`));
  const Provider = await loadProviderClass();

  const { privateKey } = await generateKeyPair("RS256", { extractable: true });
  const jwk = { ...(await exportJWK(privateKey)), kid: randomUUID(), alg: "RS256", use: "sig" };

  /** Extra claims entered on the login form, by account id (last login wins). */
  /** @type {Map<string, Claims>} */
  const extraClaims = new Map();
  /** @type {Map<string, number>} */
  const requestCounts = new Map();
  /** @type {Record<string, string>[]} */
  const logouts = [];
  /** Successful token grants by `grant_type` and by `grant_type:account`. */
  /** @type {Map<string, number>} */
  const grantCounts = new Map();
  const store = new MemoryStore();

  /** @type {any} */
  let provider;
  /** @type {((req: Req, res: Res) => unknown) | undefined} */
  let providerCallback;
  let issuer = "";

  /** @param {unknown} error */
  const logError = (error) => {
    if (!quiet) console.error("[local-idp]", error);
  };

  /**
   * @param {Res} res
   * @param {unknown} error
   */
  const sendError = (res, error) => {
    const err = /** @type {any} */ (error);
    const status = Number(err?.statusCode ?? err?.status);
    if (status >= 400 && status < 500) {
      const message = err.error_description ? `${err.error}: ${err.error_description}` : String(err.message);
      send(res, status, "text/plain; charset=utf-8", `${message}\n`);
      return;
    }
    logError(error);
    send(res, 500, "text/plain; charset=utf-8", "Internal Server Error\n");
  };

  /**
   * @param {Req} req
   * @param {Res} res
   * @param {URL} url
   */
  const handleHooks = async (req, res, url) => {
    const json = (/** @type {unknown} */ value) => send(res, 200, "application/json", JSON.stringify(value));
    if (url.pathname === "/__health" && (req.method === "GET" || req.method === "HEAD")) {
      send(res, 200, "text/plain; charset=utf-8", "ok");
    } else if (url.pathname === "/__requests" && req.method === "GET") {
      json(Object.fromEntries(requestCounts));
    } else if (url.pathname === "/__requests/reset" && req.method === "POST") {
      requestCounts.clear();
      json({});
    } else if (url.pathname === "/__grants" && req.method === "GET") {
      json(Object.fromEntries(grantCounts));
    } else if (url.pathname === "/__claims" && req.method === "POST") {
      // { "account": "alice", "claims": { "groups": ["new"] } }: the claims the next ID token or userinfo answer has.
      const body = JSON.parse((await readBody(req)).toString("utf8"));
      if (typeof body?.account !== "string" || !isPlainObject(body.claims)) return send(res, 400, "text/plain", "");
      extraClaims.set(body.account, { ...extraClaims.get(body.account), ...body.claims });
      json({});
    } else if (url.pathname === "/__revoke" && req.method === "POST") {
      // ?account=alice: every grant, refresh token and access token of that account is revoked.
      const account = url.searchParams.get("account");
      let revoked = 0;
      for (const [key, entry] of [...store.entries]) {
        if (entry.payload?.accountId === account && /^(Grant|RefreshToken|AccessToken):/.test(key)) {
          store.delete(key);
          revoked++;
        }
      }
      json({ revoked });
    } else if (url.pathname === "/__logouts" && req.method === "GET") {
      json(logouts);
    } else {
      send(res, 404, "text/plain; charset=utf-8", "Not Found\n");
    }
  };

  /**
   * @param {Req} req
   * @param {Res} res
   * @param {URL} url
   */
  const handleAvatar = (req, res, url) => {
    const match = /^\/avatar\/([^/]+)\.svg$/.exec(url.pathname);
    if (!match || (req.method !== "GET" && req.method !== "HEAD")) {
      send(res, 404, "text/plain; charset=utf-8", "Not Found\n");
      return;
    }
    let name;
    try {
      name = decodeURIComponent(match[1] ?? "");
    } catch {
      name = match[1] ?? "";
    }
    send(res, 200, "image/svg+xml; charset=utf-8", avatarSvg(name), { "cache-control": "public, max-age=3600" });
  };

  /**
   * Finishes a consent prompt without asking (safety net, loadExistingGrant normally avoids it).
   * @param {Req} req
   * @param {Res} res
   * @param {any} details
   */
  const finishConsent = async (req, res, details) => {
    const { prompt, params, session, grantId } = details;
    const grant = grantId
      ? await provider.Grant.find(grantId)
      : new provider.Grant({ accountId: session.accountId, clientId: params.client_id });
    const missing = prompt.details ?? {};
    if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(" "));
    if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
    if (missing.missingResourceScopes) {
      for (const [indicator, scopes] of Object.entries(missing.missingResourceScopes)) {
        grant.addResourceScope(indicator, /** @type {string[]} */ (scopes).join(" "));
      }
    }
    const savedId = await grant.save();
    await provider.interactionFinished(req, res, { consent: { grantId: savedId } }, { mergeWithLastSubmission: true });
  };

  /**
   * @param {Req} req
   * @param {Res} res
   * @param {URL} url
   */
  const handleInteraction = async (req, res, url) => {
    const match = /^\/interaction\/([^/]+)(\/login)?\/?$/.exec(url.pathname);
    if (!match) {
      send(res, 404, "text/plain; charset=utf-8", "Not Found\n");
      return;
    }
    const uid = match[1] ?? "";
    const isLogin = Boolean(match[2]);

    if (!isLogin && req.method === "GET") {
      const details = await provider.interactionDetails(req, res);
      if (details.uid !== uid) {
        send(res, 400, "text/plain; charset=utf-8", "Interaction mismatch - restart the sign-in\n");
        return;
      }
      if (details.prompt.name === "consent") {
        await finishConsent(req, res, details);
        return;
      }
      const loginHint = typeof details.params.login_hint === "string" ? details.params.login_hint : "";
      send(
        res,
        200,
        "text/html; charset=utf-8",
        loginPage({ uid, clientId: String(details.params.client_id), login: loginHint }),
      );
      return;
    }

    if (isLogin && req.method === "POST") {
      const details = await provider.interactionDetails(req, res);
      if (details.uid !== uid) {
        send(res, 400, "text/plain; charset=utf-8", "Interaction mismatch - restart the sign-in\n");
        return;
      }
      const form = new URLSearchParams((await readBody(req)).toString("utf8"));
      const login = (form.get("login") ?? "").trim();
      const claimsText = form.get("claims") ?? "";
      const clientId = String(details.params.client_id);

      /** @param {string} error */
      const rerender = (error) =>
        send(res, 400, "text/html; charset=utf-8", loginPage({ uid, clientId, login, claims: claimsText, error }));

      if (!login) {
        rerender("Enter a user name.");
        return;
      }
      /** @type {Claims} */
      let extra = {};
      if (claimsText.trim()) {
        let parsed;
        try {
          parsed = JSON.parse(claimsText);
        } catch (error) {
          rerender(`Extra claims are not valid JSON: ${/** @type {Error} */ (error).message}`);
          return;
        }
        if (!isPlainObject(parsed)) {
          rerender('Extra claims must be a JSON object, e.g. {"groups": ["admins"]}.');
          return;
        }
        const { sub: _ignored, ...rest } = parsed;
        const unsupported = Object.keys(rest).filter((name) => !EXTRA_CLAIM_NAMES.includes(name));
        if (unsupported.length) {
          rerender(
            `Unsupported claim${unsupported.length > 1 ? "s" : ""}: ${unsupported.join(", ")}. ` +
              `Supported: ${EXTRA_CLAIM_NAMES.join(", ")}.`,
          );
          return;
        }
        extra = rest;
      }
      extraClaims.set(login, extra);
      await provider.interactionFinished(req, res, { login: { accountId: login } }, { mergeWithLastSubmission: false });
      return;
    }

    send(res, 405, "text/plain; charset=utf-8", "Method Not Allowed\n");
  };

  /**
   * @param {Req} req
   * @param {Res} res
   */
  const handle = async (req, res) => {
    let url;
    try {
      url = new URL(req.url ?? "/", "http://local-idp.invalid");
    } catch {
      send(res, 400, "text/plain; charset=utf-8", "Bad Request\n");
      return;
    }
    const countKey = `${req.method} ${url.pathname}`;
    requestCounts.set(countKey, (requestCounts.get(countKey) ?? 0) + 1);

    try {
      if (url.pathname.startsWith("/__")) {
        await handleHooks(req, res, url);
        return;
      }
      if (url.pathname.startsWith("/avatar/")) {
        handleAvatar(req, res, url);
        return;
      }
      if (!provider || !providerCallback) {
        send(res, 503, "text/plain; charset=utf-8", "Starting\n");
        return;
      }
      if (url.pathname.startsWith("/interaction/")) {
        await handleInteraction(req, res, url);
        return;
      }

      // oidc-provider only accepts GET on /auth and /session/end (its POST support needs
      // SameSite=None cookies, i.e. https). Turn form POSTs into a 303 to the GET form, which
      // also keeps SameSite=Lax session cookies working for cross-site relying parties.
      if ((url.pathname === "/auth" || url.pathname === "/session/end") && isFormPost(req)) {
        const params = new URLSearchParams(url.searchParams);
        for (const [key, value] of new URLSearchParams((await readBody(req)).toString("utf8"))) {
          params.set(key, value);
        }
        if (url.pathname === "/session/end") {
          logouts.push(Object.fromEntries(params));
          params.set(RECORDED_MARKER, "1");
        }
        send(res, 303, "text/plain; charset=utf-8", "See Other\n", { location: `${url.pathname}?${params}` });
        return;
      }
      if (url.pathname === "/auth" && req.method === "GET" && !conformant) {
        // oidc-provider rejects prompt=select_account; treat it as prompt=login.
        const offline = (url.searchParams.get("scope") ?? "").split(" ").includes("offline_access");
        if (rewritePromptParam(url.searchParams, offline)) req.url = `${url.pathname}?${url.searchParams}`;
      } else if (url.pathname === "/session/end" && req.method === "GET") {
        if (url.searchParams.has(RECORDED_MARKER)) {
          url.searchParams.delete(RECORDED_MARKER); // already recorded when it was POSTed
          req.url = `${url.pathname}?${url.searchParams}`;
        } else {
          logouts.push(Object.fromEntries(url.searchParams));
        }
      }
      await providerCallback(req, res);
    } catch (error) {
      sendError(res, error);
    }
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error) => {
      logError(error);
      try {
        send(res, 500, "text/plain; charset=utf-8", "Internal Server Error\n");
      } catch {
        res.destroy();
      }
    });
  });

  await new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve(undefined);
    });
  });
  server.on("error", logError);

  const address = server.address();
  const actualPort = typeof address === "object" && address ? address.port : port;
  const urlHost = host.includes(":") ? `[${host}]` : host;
  issuer = `http://${urlHost}:${actualPort}`;

  const configuration = {
    adapter: MemoryStore.adapterFactory(store, reuseGrace),
    clients: localClients.map((client) => ({
      client_id: client.client_id,
      client_secret: client.client_secret,
      redirect_uris: client.redirect_uris,
      post_logout_redirect_uris: client.post_logout_redirect_uris ?? client.redirect_uris,
      grant_types: ["authorization_code", "refresh_token"],
      response_types: ["code"],
      token_endpoint_auth_method: "client_secret_basic", // oidc-provider also accepts client_secret_post for it
    })),
    jwks: { keys: [jwk] },
    cookies: {
      keys: [randomBytes(32).toString("base64url")],
      // Port-specific names so two local IdPs on the same host don't clobber each other's cookies.
      names: {
        session: `_idp${actualPort}_session`,
        interaction: `_idp${actualPort}_interaction`,
        resume: `_idp${actualPort}_interaction_resume`,
      },
    },
    claims: CLAIMS,
    conformIdTokenClaims: conformant,
    pkce: { required: () => true },
    ...(refreshTokens === undefined ? {} : { rotateRefreshToken: refreshTokens === "rotate" }),
    ttl: {
      AccessToken: accessTokenTtl,
      AuthorizationCode: 600,
      ClientCredentials: 600,
      IdToken: 3600,
      Interaction: 3600,
      RefreshToken: 86400,
      Session: 86400,
      Grant: 86400,
    },
    features: {
      devInteractions: { enabled: false },
      rpInitiatedLogout: {
        enabled: true,
        /** @param {any} ctx @param {string} form */
        async logoutSource(ctx, form) {
          const withLogout = form.replace(
            "</form>",
            '<input type="hidden" name="logout" value="yes"/><button type="submit">Continue</button></form>',
          );
          ctx.type = "html";
          ctx.body = page(
            "Signing out - Local OpenID Provider",
            `<h1>Signing out…</h1>
<p>You are being signed out. If nothing happens, press Continue.</p>
${withLogout}
<script>document.getElementById("op.logoutForm").submit();</script>`,
          );
        },
        /** @param {any} ctx */
        async postLogoutSuccessSource(ctx) {
          const client = ctx.oidc.client?.clientId;
          ctx.type = "html";
          ctx.body = page(
            "Signed out - Local OpenID Provider",
            `<h1>Signed out</h1><p>You have been signed out${client ? ` of <code>${html(client)}</code>` : ""}.</p>`,
          );
        },
      },
    },
    interactions: {
      /** @param {any} _ctx @param {any} interaction */
      url: (_ctx, interaction) => `/interaction/${interaction.uid}`,
    },
    /** @param {any} ctx */
    async loadExistingGrant(ctx) {
      const { oidc } = ctx;
      const clientId = oidc.client.clientId;
      const accountId = oidc.account?.accountId ?? oidc.session.accountId;
      const grantId = oidc.result?.consent?.grantId || oidc.session.grantIdFor(clientId);
      let grant = grantId ? await oidc.provider.Grant.find(grantId) : undefined;
      if (grant && (grant.accountId !== accountId || grant.clientId !== clientId)) grant = undefined;
      grant ??= new oidc.provider.Grant({ clientId, accountId });
      const requested = typeof oidc.params?.scope === "string" ? oidc.params.scope.split(" ") : [];
      grant.addOIDCScope([...new Set(["openid", "email", "profile", ...requested.filter(Boolean)])].join(" "));
      grant.addOIDCClaims(ALL_CLAIM_NAMES);
      await grant.save();
      return grant;
    },
    /** @param {any} _ctx @param {string} id */
    async findAccount(_ctx, id) {
      return {
        accountId: id,
        async claims() {
          return { ...defaultClaims(id, issuer), ...extraClaims.get(id), sub: id };
        },
      };
    },
    /** @param {any} ctx @param {Record<string, unknown>} out */
    async renderError(ctx, out) {
      ctx.type = "html";
      ctx.body = page(
        "Error - Local OpenID Provider",
        `<h1>Something went wrong</h1>
${Object.entries(out)
  .map(([key, value]) => `<p><strong>${html(key)}</strong>: ${html(value)}</p>`)
  .join("\n")}`,
      );
    },
  };

  try {
    const restore = muteProviderWarnings(); // synchronous, so concurrent starts can't interleave
    try {
      provider = new Provider(issuer, configuration);
    } finally {
      restore();
    }
    provider.on("server_error", (/** @type {any} */ _ctx, /** @type {unknown} */ error) => logError(error));
    provider.on("grant.success", (/** @type {any} */ ctx) => {
      const type = String(ctx.oidc.params?.grant_type ?? "");
      const account = ctx.oidc.entities?.Account?.accountId ?? ctx.oidc.account?.accountId;
      for (const key of [type, `${type}:${account}`]) grantCounts.set(key, (grantCounts.get(key) ?? 0) + 1);
    });
    providerCallback = provider.callback();
  } catch (error) {
    server.close();
    throw error;
  }

  const sweeper = setInterval(() => store.sweep(), 60_000);
  sweeper.unref();

  if (!quiet) console.log(`Local OpenID Provider ready at ${issuer} (any user name signs in)`);

  /** @type {Promise<void> | undefined} */
  let closing;
  return {
    issuer,
    port: actualPort,
    close() {
      closing ??= new Promise((resolve, reject) => {
        clearInterval(sweeper);
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      });
      return closing;
    },
  };
}

// ---------------------------------------------------------------------------
// CLI
// ---------------------------------------------------------------------------

const USAGE = `Usage: node scripts/local-idp.mjs [--port 9400] [--host 127.0.0.1] [--quiet] [--conformant]
         [--access-token-ttl SECONDS] [--refresh-tokens rotate|keep] [--reuse-grace SECONDS]
         --client 'client_id:client_secret:http://localhost:3000/cb[,http://localhost:3000/cb2]' [--client ...]
Env alternatives: LOCAL_IDP_PORT, LOCAL_IDP_CLIENTS (JSON array of {client_id, client_secret, redirect_uris})`;

/**
 * `client_id:client_secret:uri1,uri2` (split on the first two colons only).
 * @param {string} spec
 * @returns {LocalClient}
 */
function parseClientSpec(spec) {
  const first = spec.indexOf(":");
  const second = first === -1 ? -1 : spec.indexOf(":", first + 1);
  if (first === -1 || second === -1) throw new TypeError(`--client ${JSON.stringify(spec)}: expected id:secret:uris`);
  const uris = spec
    .slice(second + 1)
    .split(",")
    .map((uri) => uri.trim())
    .filter(Boolean);
  return validateClient(
    {
      client_id: spec.slice(0, first),
      client_secret: spec.slice(first + 1, second),
      redirect_uris: uris,
      post_logout_redirect_uris: uris,
    },
    `--client ${JSON.stringify(spec)}`,
  );
}

/**
 * @param {string[]} argv
 * @param {NodeJS.ProcessEnv} env
 * @returns {LocalIdpOptions & { help?: boolean }}
 */
function parseCli(argv, env) {
  /** @type {LocalClient[]} */
  const clients = [];
  /** @type {number | undefined} */
  let port;
  let host = "127.0.0.1";
  let quiet = false;
  let conformant = false;
  let help = false;
  /** @type {{ accessTokenTtl?: number, refreshTokens?: "rotate" | "keep", reuseGrace?: number }} */
  const sessions = {};

  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? "";
    const eq = arg.startsWith("--") ? arg.indexOf("=") : -1;
    const name = eq === -1 ? arg : arg.slice(0, eq);
    const value = () => {
      if (eq !== -1) return arg.slice(eq + 1);
      const next = argv[++i];
      if (next === undefined) throw new TypeError(`${name} needs a value`);
      return next;
    };
    switch (name) {
      case "--port":
        port = parsePort(value(), "--port");
        break;
      case "--host":
        host = value();
        break;
      case "--client":
        clients.push(parseClientSpec(value()));
        break;
      case "--quiet":
        quiet = true;
        break;
      case "--conformant":
        conformant = true;
        break;
      case "--access-token-ttl":
        sessions.accessTokenTtl = parseSeconds(value(), name);
        break;
      case "--reuse-grace":
        sessions.reuseGrace = parseSeconds(value(), name);
        break;
      case "--refresh-tokens": {
        const mode = value();
        if (mode !== "rotate" && mode !== "keep") throw new TypeError(`${name} must be "rotate" or "keep"`);
        sessions.refreshTokens = mode;
        break;
      }
      case "-h":
      case "--help":
        help = true;
        break;
      default:
        throw new TypeError(`unknown argument ${JSON.stringify(arg)}`);
    }
  }

  if (port === undefined && env.LOCAL_IDP_PORT) port = parsePort(env.LOCAL_IDP_PORT, "LOCAL_IDP_PORT");
  if (clients.length === 0 && env.LOCAL_IDP_CLIENTS) {
    let parsed;
    try {
      parsed = JSON.parse(env.LOCAL_IDP_CLIENTS);
    } catch (error) {
      throw new TypeError(`LOCAL_IDP_CLIENTS is not valid JSON: ${/** @type {Error} */ (error).message}`);
    }
    if (!Array.isArray(parsed)) throw new TypeError("LOCAL_IDP_CLIENTS must be a JSON array");
    parsed.forEach((client, i) => clients.push(validateClient(client, `LOCAL_IDP_CLIENTS[${i}]`)));
  }
  return { port: port ?? 9400, host, clients, quiet, conformant, help, ...sessions };
}

/** @param {string} value @param {string} where */
function parseSeconds(value, where) {
  const seconds = Number(value);
  if (!Number.isInteger(seconds) || seconds < 0) throw new TypeError(`${where}: expected whole seconds, got ${value}`);
  return seconds;
}

/** @param {string} value @param {string} where */
function parsePort(value, where) {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new TypeError(`${where}: invalid port ${JSON.stringify(value)}`);
  return port;
}

async function main() {
  /** @type {LocalIdpOptions & { help?: boolean }} */
  let options;
  try {
    options = parseCli(process.argv.slice(2), process.env);
  } catch (error) {
    console.error(`local-idp: ${/** @type {Error} */ (error).message}\n${USAGE}`);
    process.exit(2);
  }
  if (options.help) {
    console.log(USAGE);
    return;
  }
  if (options.clients.length === 0) {
    console.error(`local-idp: at least one --client (or LOCAL_IDP_CLIENTS) is required\n${USAGE}`);
    process.exit(2);
  }

  let idp;
  try {
    idp = await startLocalIdp(options);
  } catch (error) {
    console.error(`local-idp: failed to start: ${/** @type {Error} */ (error).message}`);
    process.exit(1);
  }

  /** @param {NodeJS.Signals} signal */
  const stop = (signal) => {
    const timer = setTimeout(() => process.exit(0), 3000);
    timer.unref();
    idp.close().then(
      () => process.exit(0),
      (error) => {
        console.error(`local-idp: error while stopping on ${signal}:`, error);
        process.exit(1);
      },
    );
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await main();
}
