import { createHash, createHmac, randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { exportJWK, generateKeyPair, type JWK } from "jose";

/**
 * A deliberately hostile OpenID Provider for tests, on 127.0.0.1 (random port).
 *
 * With an empty scenario it is honest: discovery, an `/authorize` without UI that redirects straight back with a code,
 * a `/token` endpoint that checks client_secret_basic, the code (single use), redirect_uri and the PKCE S256 verifier,
 * and RS256 ID tokens signed with the key published at `/jwks`. Every token response carries a refresh token, and
 * `/token` also answers the `refresh_token` grant (a new, rotated refresh token each time; the `token` scenario applies
 * to those answers as well). Each test then sets `idp.scenario` to lie in one
 * precise way. `idp.requests` logs every request (`{ method, path }`), so a test can assert what was (not) called.
 *
 * It can also behave like independently written providers that are honest but unusual (Glewlwyd, LemonLDAP::NG):
 * comparing Basic credentials raw instead of form-urldecoding them, refusing a client with 403 `unauthorized_client`,
 * serving its endpoints under a path issuer (`issuerPath: "/api/oidc"`), asking to confirm a logout, and returning from
 * a logout only with the `state` it was given.
 */

/** Keys to merge into a JSON object; a key set to `undefined` is deleted. */
export type Overrides = Readonly<Record<string, unknown>>;

export interface MetadataScenario {
  /** HTTP status of `/.well-known/openid-configuration` (default 200). */
  status?: number;
  /** Raw body instead of the JSON document. */
  body?: string;
  contentType?: string;
  /** Wait this long before answering (a hanging provider). */
  delayMs?: number;
  /** Merged into the honest document, e.g. `{ issuer: "https://evil.example" }`. */
  override?: Overrides;
}

export interface AuthorizeScenario {
  /** Leave `state` out of the redirect. */
  dropState?: boolean;
  /** Send this `state` instead of the request's. */
  state?: string;
  /** Send this `iss` instead of the issuer. */
  iss?: string;
  /** Leave `iss` out (while the metadata still advertises it). */
  dropIss?: boolean;
  /** Send an error response (no code) with this `error`. */
  error?: string;
  error_description?: string;
  /** Send this code instead of the one remembered (the token endpoint will not know it). */
  code?: string;
  /** Leave `code` out of a success response (state and iss stay). */
  dropCode?: boolean;
  /** Appended to the redirect. */
  extraParams?: Readonly<Record<string, string>>;
  /** Parameters (e.g. "code", "state") to append a second time with another value. */
  duplicate?: readonly string[];
  /** Answer `invalid_request` ("unsupported prompt value requested") when the request's prompt includes this value. */
  rejectPrompt?: string;
}

export type SigningMode =
  /** HMAC-SHA384 / HMAC-SHA512 with the client secret as the key. */
  | "hs384"
  | "hs512"
  /** The published key (the rotated one when `jwks.rotate` is set). */
  | "jwks-key"
  /** An RSA key that is not in the JWKS, with the published key's kid unless `header.kid` says otherwise. */
  | "other-key"
  /** An unsigned `alg: none` JWT. */
  | "none"
  /** HMAC-SHA256 with the client secret as the key. */
  | "hs256"
  /** RSASSA-PSS (PS256) with a PS256 key that is then published next to the RS256 one. */
  | "ps256";

export interface TokenScenario {
  /** HTTP status of the token response (default 200 / the honest error status). */
  status?: number;
  /** Raw body instead of the honest token response (the honest checks are skipped). */
  body?: string;
  contentType?: string;
  omitIdToken?: boolean;
  /** Merged into the ID token claims; `undefined` deletes a claim. */
  claims?: Overrides;
  /** Merged into the ID token's JOSE header (alg, kid, crit...); `undefined` deletes. */
  header?: Overrides;
  signWith?: SigningMode;
  /** Flip the last bytes of the signature. */
  corruptSignature?: boolean;
  /** Wait this long before answering (longer than the RP's timeout = a hanging provider). */
  delayMs?: number;
  /** Stream a body of this many bytes instead of a token response. */
  hugeBodyBytes?: number;
  /** With `hugeBodyBytes`: declare the size in Content-Length (default: chunked, no length). */
  declareHugeLength?: boolean;
  /** `token_type` of the response (default "Bearer"). */
  tokenType?: string;
  /**
   * How client_secret_basic credentials are compared with the registered ones: form-urldecoded first (RFC 6749
   * §2.3.1, the default) or exactly as sent (Glewlwyd, LemonLDAP::NG).
   */
  basicCredentials?: "decoded" | "raw";
  /** Also accept client_secret_post (credentials in the form body). Default: Basic only. */
  acceptPost?: boolean;
  /**
   * The answer to a client that failed to authenticate: 401 `invalid_client` with `WWW-Authenticate: Basic` (the
   * default, RFC 6749 §5.2; LemonLDAP::NG), 401 `invalid_client` without the challenge, or 403 `unauthorized_client`
   * (Glewlwyd).
   */
  clientRefusal?: "challenge" | "invalid_client" | "unauthorized_client";
}

export interface JwksScenario {
  status?: number;
  /** Replaces the published keys. */
  keys?: readonly JWK[];
  /** Publish a new key (new kid) next to the old one, and sign ID tokens with it. */
  rotate?: boolean;
  /** Wait this long before answering. */
  delayMs?: number;
}

export interface UserInfoScenario {
  status?: number;
  /** Raw body (with `contentType`) instead of the honest JSON. */
  body?: string;
  contentType?: string;
  /** Merged into the userinfo claims; `undefined` deletes (e.g. `sub: "someone-else"`). */
  claims?: Overrides;
  delayMs?: number;
}

export interface EndSessionScenario {
  /** Show a page asking to confirm the logout; the browser (a test) submits it with POST. */
  confirm?: boolean;
  /** Return to `post_logout_redirect_uri` only when the request carried a `state` (it is echoed); else stay. */
  requireState?: boolean;
}

export interface Scenario {
  metadata?: MetadataScenario;
  endSession?: EndSessionScenario;
  authorize?: AuthorizeScenario;
  token?: TokenScenario;
  jwks?: JwksScenario;
  userinfo?: UserInfoScenario;
}

export interface RequestLogEntry {
  method: string;
  path: string;
}

export interface HostileIdp {
  readonly issuer: string;
  readonly clientId: string;
  readonly clientSecret: string;
  /** Kids of the published key and of the key published by `jwks.rotate`. */
  readonly kids: { readonly current: string; readonly rotated: string };
  scenario: Scenario;
  readonly requests: RequestLogEntry[];
  /** How each token request authenticated the client: `client_secret_basic` with its raw header, or `client_secret_post`. */
  readonly clientAuthentications: Array<{ method: string; authorization?: string }>;
  /** The query of the last authorization request. */
  readonly lastAuthorization: () => URLSearchParams | undefined;
  /** How many requests reached `path`. */
  count(path: string): number;
  /** Back to honest behaviour, with an empty request log. */
  reset(): void;
  close(): Promise<void>;
}

export interface HostileIdpOptions {
  clientId?: string;
  clientSecret?: string;
  /** Serve the issuer and every endpoint under this path (Glewlwyd: `/api/oidc`). */
  issuerPath?: string;
}

interface Grant {
  clientId: string;
  redirectUri: string;
  codeChallenge: string;
  nonce: string | undefined;
  scope: string;
}

interface SigningKey {
  kid: string;
  privateKey: CryptoKey;
  publicJwk: JWK;
}

const PATHS = {
  metadata: "/.well-known/openid-configuration",
  authorize: "/authorize",
  token: "/token",
  jwks: "/jwks",
  userinfo: "/userinfo",
  endSession: "/end_session",
  endSessionConfirm: "/end_session/confirm",
} as const;

const b64u = (data: Buffer | Uint8Array | string): string => Buffer.from(data).toString("base64url");
const random = (): string => randomBytes(24).toString("base64url");

function applyOverrides(base: Record<string, unknown>, overrides: Overrides | undefined): Record<string, unknown> {
  const result = { ...base };
  for (const [key, value] of Object.entries(overrides ?? {})) {
    if (value === undefined) delete result[key];
    else result[key] = value;
  }
  return result;
}

async function newKey(kid: string, alg: "RS256" | "PS256" = "RS256"): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  const publicJwk: JWK = { ...(await exportJWK(publicKey)), kid, alg, use: "sig" };
  return { kid, privateKey, publicJwk };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

function send(
  res: ServerResponse,
  status: number,
  body: string,
  contentType = "application/json",
  headers: Record<string, string> = {},
): void {
  if (res.destroyed) return;
  res.writeHead(status, { "content-type": contentType, "cache-control": "no-store", ...headers });
  res.end(body);
}

const escape = (text: string): string => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const sendJson = (res: ServerResponse, status: number, value: unknown, headers?: Record<string, string>): void =>
  send(res, status, JSON.stringify(value), "application/json", headers);

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

/** Writes `total` bytes (a JSON-looking string that never ends usefully), honouring back-pressure, until the client leaves. */
async function streamBytes(res: ServerResponse, total: number, declareLength: boolean): Promise<void> {
  res.writeHead(200, {
    "content-type": "application/json",
    ...(declareLength ? { "content-length": String(total) } : {}),
  });
  const chunk = Buffer.alloc(64 * 1024, "a");
  let sent = 0;
  while (sent < total && !res.destroyed) {
    const n = Math.min(chunk.length, total - sent);
    const flushed = res.write(chunk.subarray(0, n));
    sent += n;
    if (!flushed) {
      await new Promise<void>((resolve) => {
        const done = (): void => {
          res.off("drain", done);
          res.off("close", done);
          resolve();
        };
        res.on("drain", done);
        res.on("close", done);
      });
    }
  }
  if (!res.destroyed) res.end();
}

export async function startHostileIdp(options: HostileIdpOptions = {}): Promise<HostileIdp> {
  const clientId = options.clientId ?? "hostile-app";
  const clientSecret = options.clientSecret ?? "hostile-app-secret-0123456789";
  const [current, rotated, foreign, pss] = await Promise.all([
    newKey("hostile-key-1"),
    newKey("hostile-key-2"),
    newKey("not-published"),
    newKey("hostile-pss-key", "PS256"),
  ]);
  const grants = new Map<string, Grant>();
  /** Refresh tokens issued and not yet used, with the grant they continue. */
  const refreshTokens = new Map<string, Grant>();
  /** Access tokens issued, for the userinfo endpoint. */
  const accessTokens = new Set<string>();
  const requests: RequestLogEntry[] = [];
  const clientAuthentications: Array<{ method: string; authorization?: string }> = [];
  let lastAuthorization: URLSearchParams | undefined;
  const issuerPath = options.issuerPath ?? "";
  let issuer = "";

  const idp = {
    scenario: {} as Scenario,
    requests,
    clientAuthentications,
  };

  function publishedKeys(): JWK[] {
    const jwks = idp.scenario.jwks;
    if (jwks?.keys) return [...jwks.keys];
    const keys = jwks?.rotate ? [rotated.publicJwk, current.publicJwk] : [current.publicJwk];
    return idp.scenario.token?.signWith === "ps256" ? [...keys, pss.publicJwk] : keys;
  }

  // --- /.well-known/openid-configuration
  async function metadata(res: ServerResponse): Promise<void> {
    const s = idp.scenario.metadata ?? {};
    if (s.delayMs) await sleep(s.delayMs);
    if (s.body !== undefined) return send(res, s.status ?? 200, s.body, s.contentType ?? "application/json");
    const document = applyOverrides(
      {
        issuer,
        authorization_endpoint: issuer + PATHS.authorize,
        token_endpoint: issuer + PATHS.token,
        jwks_uri: issuer + PATHS.jwks,
        userinfo_endpoint: issuer + PATHS.userinfo,
        end_session_endpoint: issuer + PATHS.endSession,
        response_types_supported: ["code"],
        subject_types_supported: ["public"],
        id_token_signing_alg_values_supported: ["RS256"],
        code_challenge_methods_supported: ["S256"],
        token_endpoint_auth_methods_supported: ["client_secret_basic"],
        authorization_response_iss_parameter_supported: true,
      },
      s.override,
    );
    send(res, s.status ?? 200, JSON.stringify(document), s.contentType ?? "application/json");
  }

  // --- /authorize: no UI, straight back to redirect_uri
  function authorize(res: ServerResponse, query: URLSearchParams): void {
    const s = idp.scenario.authorize ?? {};
    lastAuthorization = query;
    const redirectUri = query.get("redirect_uri");
    let target: URL;
    try {
      target = new URL(redirectUri ?? "");
    } catch {
      return send(res, 400, "invalid redirect_uri", "text/plain");
    }
    const params = target.searchParams;
    if (s.rejectPrompt !== undefined && (query.get("prompt") ?? "").split(" ").includes(s.rejectPrompt)) {
      params.set("error", "invalid_request");
      params.set("error_description", "unsupported prompt value requested");
    } else if (s.error !== undefined) {
      params.set("error", s.error);
      if (s.error_description !== undefined) params.set("error_description", s.error_description);
    } else {
      const code = random();
      grants.set(code, {
        clientId: query.get("client_id") ?? "",
        redirectUri: redirectUri ?? "",
        codeChallenge: query.get("code_challenge") ?? "",
        nonce: query.get("nonce") ?? undefined,
        scope: query.get("scope") ?? "",
      });
      if (!s.dropCode) params.set("code", s.code ?? code);
    }
    const state = s.state ?? query.get("state");
    if (!s.dropState && state !== null) params.set("state", state);
    if (!s.dropIss) params.set("iss", s.iss ?? issuer);
    for (const [key, value] of Object.entries(s.extraParams ?? {})) params.append(key, value);
    for (const name of s.duplicate ?? [])
      params.append(name, name === "code" ? random() : `${params.get(name) ?? ""}-duplicate`);
    res.writeHead(302, { location: target.href, "cache-control": "no-store" });
    res.end();
  }

  // --- /token: honest checks, then the (possibly forged) tokens
  async function token(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const s = idp.scenario.token ?? {};
    const form = new URLSearchParams(await readBody(req));
    if (s.delayMs) await sleep(s.delayMs);
    if (res.destroyed) return;
    if (s.hugeBodyBytes !== undefined) return streamBytes(res, s.hugeBodyBytes, s.declareHugeLength ?? false);
    if (s.body !== undefined) return send(res, s.status ?? 200, s.body, s.contentType ?? "application/json");

    const failure = checkTokenRequest(req, form);
    if (failure)
      return sendJson(
        res,
        failure.status,
        { error: failure.error, error_description: failure.description },
        failure.headers,
      );
    const refreshing = form.get("grant_type") === "refresh_token";
    const key = (refreshing ? form.get("refresh_token") : form.get("code")) ?? "";
    const issued = refreshing ? refreshTokens.get(key)! : grants.get(key)!;
    (refreshing ? refreshTokens : grants).delete(key);
    const grant: Grant = refreshing ? { ...issued, nonce: undefined } : issued;
    const refreshToken = random();
    refreshTokens.set(refreshToken, grant);

    const accessToken = random();
    accessTokens.add(accessToken);
    const response = applyOverrides(
      {
        access_token: accessToken,
        token_type: s.tokenType ?? "Bearer",
        expires_in: 3600,
        scope: grant.scope,
        refresh_token: refreshToken,
        id_token: await idToken(grant, s),
      },
      s.omitIdToken ? { id_token: undefined } : undefined,
    );
    send(res, s.status ?? 200, JSON.stringify(response), s.contentType ?? "application/json");
  }

  /** Whether the token request authenticates this client, the way the scenario's provider compares credentials. */
  function clientAuthenticated(req: IncomingMessage, form: URLSearchParams, s: TokenScenario): boolean {
    const authorization = req.headers.authorization;
    if (authorization === undefined) {
      clientAuthentications.push({ method: "client_secret_post" });
      return (
        (s.acceptPost ?? false) && form.get("client_id") === clientId && form.get("client_secret") === clientSecret
      );
    }
    clientAuthentications.push({ method: "client_secret_basic", authorization });
    const [scheme, encoded] = authorization.split(" ");
    const [user, pass] = Buffer.from(encoded ?? "", "base64")
      .toString("utf8")
      .split(":");
    const decode = (v: string | undefined): string =>
      s.basicCredentials === "raw" ? (v ?? "") : decodeURIComponent((v ?? "").replace(/\+/g, " "));
    return scheme === "Basic" && decode(user) === clientId && decode(pass) === clientSecret;
  }

  function checkTokenRequest(
    req: IncomingMessage,
    form: URLSearchParams,
  ): { status: number; error: string; description: string; headers?: Record<string, string> } | undefined {
    const s = idp.scenario.token ?? {};
    if (!clientAuthenticated(req, form, s)) {
      if (s.clientRefusal === "unauthorized_client")
        return { status: 403, error: "unauthorized_client", description: "" };
      return {
        status: 401,
        error: "invalid_client",
        description: "client authentication failed",
        ...((s.clientRefusal ?? "challenge") === "challenge"
          ? { headers: { "www-authenticate": 'Basic realm="hostile"' } }
          : {}),
      };
    }
    if (form.get("grant_type") === "refresh_token") {
      const issued = refreshTokens.get(form.get("refresh_token") ?? "");
      return issued && issued.clientId === clientId
        ? undefined
        : { status: 400, error: "invalid_grant", description: "unknown or used refresh token" };
    }
    if (form.get("grant_type") !== "authorization_code")
      return { status: 400, error: "unsupported_grant_type", description: "only authorization_code and refresh_token" };
    const grant = grants.get(form.get("code") ?? "");
    if (!grant || grant.clientId !== clientId)
      return { status: 400, error: "invalid_grant", description: "unknown or used code" };
    if (form.get("redirect_uri") !== grant.redirectUri)
      return { status: 400, error: "invalid_grant", description: "redirect_uri mismatch" };
    const challenge = createHash("sha256")
      .update(form.get("code_verifier") ?? "")
      .digest("base64url");
    if (challenge !== grant.codeChallenge)
      return { status: 400, error: "invalid_grant", description: "PKCE verification failed" };
    return undefined;
  }

  async function idToken(grant: Grant, s: TokenScenario): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    const claims = applyOverrides(
      {
        iss: issuer,
        sub: "hostile-user",
        aud: clientId,
        exp: now + 300,
        iat: now,
        ...(grant.nonce !== undefined ? { nonce: grant.nonce } : {}),
        email: "hostile-user@hostile.test",
        name: "Hostile User",
      },
      s.claims,
    );
    const mode = s.signWith ?? "jwks-key";
    const published = idp.scenario.jwks?.rotate ? rotated : current;
    const hmacBits = mode === "hs256" ? 256 : mode === "hs384" ? 384 : mode === "hs512" ? 512 : undefined;
    const defaults: Record<string, unknown> =
      mode === "none"
        ? { alg: "none", typ: "JWT" }
        : hmacBits !== undefined
          ? { alg: `HS${hmacBits}`, typ: "JWT" }
          : mode === "ps256"
            ? { alg: "PS256", typ: "JWT", kid: pss.kid }
            : { alg: "RS256", typ: "JWT", kid: published.kid };
    const header = applyOverrides(defaults, s.header);
    const input = `${b64u(JSON.stringify(header))}.${b64u(JSON.stringify(claims))}`;

    let signature: Uint8Array;
    if (mode === "none") signature = new Uint8Array(0);
    else if (hmacBits !== undefined) signature = createHmac(`sha${hmacBits}`, clientSecret).update(input).digest();
    else if (mode === "ps256")
      signature = new Uint8Array(
        await crypto.subtle.sign({ name: "RSA-PSS", saltLength: 32 }, pss.privateKey, Buffer.from(input)),
      );
    else {
      const key = mode === "other-key" ? foreign : published;
      signature = new Uint8Array(
        await crypto.subtle.sign({ name: "RSASSA-PKCS1-v1_5" }, key.privateKey, Buffer.from(input)),
      );
    }
    if (s.corruptSignature && signature.length > 0) {
      for (let i = signature.length - 4; i < signature.length; i++) signature[i] = signature[i]! ^ 0xff;
    }
    return `${input}.${b64u(signature)}`;
  }

  // --- /userinfo: the user's claims for a Bearer access token this provider issued
  async function userinfo(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const s = idp.scenario.userinfo ?? {};
    if (s.delayMs) await sleep(s.delayMs);
    if (res.destroyed) return;
    if (s.body !== undefined) return send(res, s.status ?? 200, s.body, s.contentType ?? "application/json");
    const [scheme, accessToken] = (req.headers.authorization ?? "").split(" ");
    if (scheme !== "Bearer" || !accessTokens.has(accessToken ?? "")) {
      return send(res, 401, "", "text/plain", { "www-authenticate": 'Bearer error="invalid_token"' });
    }
    const claims = applyOverrides(
      {
        sub: "hostile-user",
        email: "hostile-user@hostile.test",
        email_verified: true,
        name: "Hostile User",
        groups: ["from-userinfo"],
      },
      s.claims,
    );
    sendJson(res, s.status ?? 200, claims);
  }

  // --- /jwks
  async function jwks(res: ServerResponse): Promise<void> {
    const s = idp.scenario.jwks ?? {};
    if (s.delayMs) await sleep(s.delayMs);
    if (s.status !== undefined && s.status !== 200)
      return send(res, s.status, "<html><body>JWKS unavailable</body></html>", "text/html");
    sendJson(res, 200, { keys: publishedKeys() });
  }

  // --- /end_session: RP-Initiated Logout, optionally with a confirmation page and a state-only return
  async function endSession(req: IncomingMessage, res: ServerResponse, query: URLSearchParams): Promise<void> {
    const s = idp.scenario.endSession ?? {};
    if (s.confirm && req.method !== "POST") {
      const fields = [...query].map(([k, v]) => `<input type="hidden" name="${escape(k)}" value="${escape(v)}">`);
      return send(
        res,
        200,
        `<form method="post" action="${issuerPath}${PATHS.endSessionConfirm}">${fields.join("")}<button>Log out</button></form>`,
        "text/html",
      );
    }
    const params = req.method === "POST" ? new URLSearchParams(await readBody(req)) : query;
    const target = params.get("post_logout_redirect_uri");
    const state = params.get("state");
    if (!target || (s.requireState && !state)) return send(res, 200, "<p>logged out</p>", "text/html");
    const back = new URL(target);
    if (state) back.searchParams.set("state", state);
    res.writeHead(302, { location: back.href, "cache-control": "no-store" });
    res.end();
  }

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    requests.push({ method: req.method ?? "GET", path: url.pathname });
    const path = url.pathname.startsWith(issuerPath) ? url.pathname.slice(issuerPath.length) : "";
    const handle = async (): Promise<void> => {
      switch (path) {
        case PATHS.metadata:
          return metadata(res);
        case PATHS.authorize:
          return authorize(res, url.searchParams);
        case PATHS.token:
          return req.method === "POST" ? token(req, res) : send(res, 405, "", "text/plain");
        case PATHS.jwks:
          return jwks(res);
        case PATHS.userinfo:
          return userinfo(req, res);
        case PATHS.endSession:
        case PATHS.endSessionConfirm:
          return endSession(req, res, url.searchParams);
        default:
          return send(res, 404, "not found", "text/plain");
      }
    };
    handle().catch((error: unknown) => send(res, 500, `hostile idp bug: ${String(error)}`, "text/plain"));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}${issuerPath}`;

  return Object.assign(idp, {
    issuer,
    clientId,
    clientSecret,
    kids: { current: current.kid, rotated: rotated.kid },
    count: (path: string) => requests.filter((r) => r.path === issuerPath + path).length,
    lastAuthorization: () => lastAuthorization,
    reset(): void {
      idp.scenario = {};
      requests.length = 0;
      clientAuthentications.length = 0;
      lastAuthorization = undefined;
      grants.clear();
      refreshTokens.clear();
      accessTokens.clear();
    },
    close(): Promise<void> {
      server.closeAllConnections();
      return new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
    },
  });
}
