import { parse as parseToml, TomlError } from "smol-toml";
import { isAuthRoute, LOGIN_ROUTE, LOGOUT_ROUTE } from "./base-path";
import { AuthConfigError } from "./errors";
import type { AuthConfig, ConfigState, ProviderConfig, TokenEndpointAuthMethod, TokenKind } from "./types";

/**
 * Turns secrets.toml text into a validated {@link ConfigState}. Pure: no file or network access, so the edge
 * middleware runs the same code on the same text.
 */

export interface ParseOptions {
  /** Shown in every message: `secrets.toml`, `.streamlit/secrets.toml`, `AUTH_SECRETS`... */
  source: string;
  /** Replaces a literal `{port}` in redirect URIs (Streamlit does the same with `server.port`). */
  port?: string | undefined;
  /**
   * `AUTH_ORIGIN`: when set, every `redirect_uri` keeps its path but takes this origin, so one config serves
   * deployments at other addresses (preview deployments, a staging host).
   */
  origin?: string | undefined;
  /** The app's `basePath`: every `redirect_uri` must point inside it, or the callback would never reach the app. */
  basePath?: string | undefined;
}

export const DEFAULT_PROVIDER = "default";
export const DEFAULT_SCOPE = "openid email profile";
export const DEFAULT_PROMPT = "select_account";
export const MIN_SECRET_LENGTH = 32;

export const SHARED_KEYS = ["redirect_uri", "cookie_secret", "expose_tokens", "logout_params"] as const;
export const PROVIDER_KEYS = [
  "client_id",
  "client_secret",
  "server_metadata_url",
  "client_kwargs",
  "redirect_uri",
  "logout_params",
] as const;
const REQUIRED_PROVIDER_KEYS = ["client_id", "client_secret", "server_metadata_url"] as const;
/** Keys of `[auth]` that hold tables but are not providers. */
const AUTH_TABLE_KEYS = new Set(["client_kwargs", "logout_params"]);
/** Set by the library on every authorization request; `client_kwargs` may not change them. */
export const PROTECTED_PARAMETERS = [
  "state",
  "nonce",
  "code_challenge",
  "code_challenge_method",
  "redirect_uri",
  "response_type",
  "client_id",
] as const;
/** `client_kwargs` entries that configure the client instead of being sent to the provider (as in Authlib). */
const CLIENT_BEHAVIOUR_KWARGS = new Set(["token_endpoint_auth_method", "code_challenge_method"]);
const PROVIDER_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;
const LOOPBACK_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]"]);

type Table = Record<string, unknown>;

function isTable(value: unknown): value is Table {
  return typeof value === "object" && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

export function parseAuthConfig(text: string, options: ParseOptions): ConfigState {
  const { source } = options;
  let doc: Table;
  try {
    doc = parseToml(text) as Table;
  } catch (error) {
    const line = error instanceof TomlError ? error.line : undefined;
    const detail = error instanceof Error ? firstLine(error.message) : String(error);
    return invalid(source, [
      new AuthConfigError("TOML_SYNTAX", `is not valid TOML (${detail})`, {
        source,
        line,
        fix: "Fix the syntax on that line: strings need double quotes, tables are written [auth] or [auth.<name>].",
      }),
    ]);
  }
  return validateAuthDocument(doc, options);
}

export function validateAuthDocument(doc: Table, options: ParseOptions): ConfigState {
  const { source } = options;
  const auth = doc["auth"];
  if (auth === undefined) {
    return {
      status: "absent",
      reason: new AuthConfigError("NO_AUTH_SECTION", "has no [auth] section", {
        source,
        fix: `Add an [auth] section with redirect_uri, cookie_secret and a provider; see secrets.example.toml.`,
      }),
    };
  }
  if (!isTable(auth)) {
    return invalid(source, [
      new AuthConfigError("WRONG_TYPE", '"auth" must be a table', {
        source,
        key: "auth",
        fix: "Write it as a section: [auth] on its own line, followed by its keys.",
      }),
    ]);
  }

  const errors: AuthConfigError[] = [];
  const warnings: string[] = [];
  const section = "[auth]";
  const here = { source, section };

  const originProblem = options.origin === undefined ? undefined : checkOrigin(options.origin);
  if (originProblem) return invalid(source, [originProblem]);
  const redirectUri = readUrl(auth, "redirect_uri", here, options, errors, { required: true });
  const cookieSecrets = readCookieSecrets(auth, here, errors);
  const exposeTokens = readExposeTokens(auth, here, errors);
  const sharedLogoutParams = readLogoutParams(auth, here, errors);

  const providerTables = new Map<string, Table>();
  /** Keys of [auth] that can only be meant as a provider, but are not a table (`google = "..."`). */
  const notTables = new Map<string, AuthConfigError[]>();
  for (const [key, value] of Object.entries(auth)) {
    if (AUTH_TABLE_KEYS.has(key)) continue;
    if (isTable(value)) providerTables.set(key, value);
    else if (!(SHARED_KEYS as readonly string[]).includes(key) && !(PROVIDER_KEYS as readonly string[]).includes(key)) {
      const known = [...SHARED_KEYS, ...PROVIDER_KEYS];
      if (nearest(key, known) !== undefined || !PROVIDER_NAME.test(key))
        warnings.push(unknownKeyWarning(source, section, key, known));
      else notTables.set(key, [notATableError(key, value, here)]);
    }
  }
  const topLevelDefault = pickDefaultKeys(auth);
  if (!providerTables.has(DEFAULT_PROVIDER) && Object.keys(topLevelDefault).length > 0) {
    providerTables.set(DEFAULT_PROVIDER, topLevelDefault);
  } else if (providerTables.has(DEFAULT_PROVIDER) && Object.keys(topLevelDefault).length > 0) {
    warnings.push(
      `${source} [auth]: provider keys directly in [auth] are ignored because [auth.default] exists. Keep one of the two.`,
    );
  }

  if (errors.length > 0 || redirectUri === undefined || cookieSecrets === undefined) {
    return invalid(source, errors, warnings);
  }

  const providers = new Map<string, ProviderConfig>();
  const providerErrors = new Map<string, AuthConfigError[]>(notTables);
  const origin = new URL(redirectUri).origin;
  // The default provider first, then the named ones in file order.
  const ordered = [...providerTables].sort(
    ([a], [b]) => Number(b === DEFAULT_PROVIDER) - Number(a === DEFAULT_PROVIDER),
  );
  for (const [name, table] of ordered) {
    const result = readProvider(name, table, {
      source,
      origin,
      defaultRedirectUri: redirectUri,
      sharedLogoutParams,
      options,
      warnings,
    });
    if (Array.isArray(result)) providerErrors.set(name, result);
    else providers.set(name, result);
  }

  // AUTH_ORIGIN moves the validated URIs, so a config accepted on a preview is the one accepted in production.
  const deployedOrigin = options.origin;
  if (deployedOrigin !== undefined) {
    for (const [name, provider] of providers) {
      providers.set(name, { ...provider, redirectUri: onOrigin(provider.redirectUri, deployedOrigin) });
    }
  }
  const publicRedirectUri = deployedOrigin === undefined ? redirectUri : onOrigin(redirectUri, deployedOrigin);
  const callbackPaths = [
    ...new Set(
      [publicRedirectUri, ...[...providers.values()].map((p) => p.redirectUri)].map((u) => new URL(u).pathname),
    ),
  ];
  const config: AuthConfig = {
    source,
    redirectUri: publicRedirectUri,
    origin: new URL(publicRedirectUri).origin,
    secure: new URL(publicRedirectUri).protocol === "https:",
    cookieSecrets,
    exposeTokens,
    providers,
    providerErrors,
    callbackPaths,
    warnings,
  };
  return { status: "ok", config };
}

function invalid(source: string, errors: AuthConfigError[], warnings: string[] = []): ConfigState {
  return { status: "invalid", source, errors, warnings };
}

function firstLine(message: string): string {
  return message.split("\n")[0]!.replace(/^Invalid TOML document: /, "");
}

function pickDefaultKeys(auth: Table): Table {
  const picked: Table = {};
  for (const key of ["client_id", "client_secret", "server_metadata_url", "client_kwargs"]) {
    // Streamlit copies these only when truthy.
    if (auth[key] !== undefined && auth[key] !== "") picked[key] = auth[key];
  }
  return picked;
}

interface Where {
  source: string;
  section: string;
}

function readString(table: Table, key: string, where: Where, errors: AuthConfigError[]): string | undefined {
  const value = table[key];
  if (value === undefined) return undefined;
  if (typeof value !== "string") {
    errors.push(
      new AuthConfigError("WRONG_TYPE", `"${key}" must be a string, not ${describe(value)}`, {
        ...where,
        key,
        fix: `Write it in double quotes: ${key} = "..."`,
      }),
    );
    return undefined;
  }
  return value;
}

function readUrl(
  table: Table,
  key: string,
  where: Where,
  options: ParseOptions,
  errors: AuthConfigError[],
  { required }: { required: boolean },
): string | undefined {
  const raw = readString(table, key, where, errors);
  if (raw === undefined) {
    if (required && table[key] === undefined) {
      errors.push(
        new AuthConfigError("MISSING_KEY", `"${key}" is missing${typoHint(table, key)}`, {
          ...where,
          key,
          fix:
            key === "redirect_uri"
              ? 'Add redirect_uri = "http://localhost:3000/oauth2callback" (your app\'s public origin and its callback path).'
              : `Add ${key} = "https://...".`,
        }),
      );
    }
    return undefined;
  }
  const value = raw.replaceAll("{port}", options.port ?? "3000");
  const problem = checkUrl(value);
  if (problem) {
    errors.push(
      new AuthConfigError(problem.code, `"${key}" ${problem.text} (got "${redactCredentials(raw)}")`, {
        ...where,
        key,
        fix: problem.fix,
      }),
    );
    return undefined;
  }
  if (key !== "redirect_uri") return value;
  const url = new URL(value);
  const basePath = options.basePath ?? "";
  if (basePath && url.pathname !== basePath && !url.pathname.startsWith(`${basePath}/`)) {
    errors.push(
      new AuthConfigError(
        "INVALID_VALUE",
        `"${key}" points outside the app's basePath ${basePath} (got "${redactCredentials(raw)}")`,
        {
          ...where,
          key,
          fix: `Start its path with the basePath, e.g. ${url.origin}${basePath}${url.pathname}, and register that URL at the provider.`,
        },
      ),
    );
    return undefined;
  }
  const appPath = url.pathname.slice(basePath.length) || "/";
  if (isAuthRoute(appPath, [LOGIN_ROUTE, LOGOUT_ROUTE])) {
    errors.push(
      new AuthConfigError(
        "INVALID_VALUE",
        `"${key}" points at the library's ${appPath.split("/")[2]} route (got "${redactCredentials(raw)}")`,
        {
          ...where,
          key,
          fix: `Use the callback path instead, e.g. ${url.origin}${basePath}/oauth2callback (any other path works too).`,
        },
      ),
    );
    return undefined;
  }
  return value;
}

/** The same path and query on another origin. Joined as text: a path starting with `//` must stay a path. */
function onOrigin(uri: string, origin: string): string {
  const url = new URL(uri);
  return new URL(new URL(origin).origin + url.pathname + url.search).href;
}

/** `AUTH_ORIGIN` must be a bare origin with the same rules as any redirect_uri. */
function checkOrigin(value: string): AuthConfigError | undefined {
  const fix =
    "Set AUTH_ORIGIN to this deployment's public origin only, such as https://my-app-git-branch.vercel.app, or unset it.";
  const problem = checkUrl(value);
  if (problem)
    return new AuthConfigError(problem.code, `AUTH_ORIGIN ${problem.text} (got "${redactCredentials(value)}")`, {
      source: "AUTH_ORIGIN",
      fix: `${problem.fix} ${fix}`,
    });
  const url = new URL(value);
  if (url.pathname !== "/" || url.search || url.hash) {
    return new AuthConfigError(
      "INVALID_VALUE",
      `AUTH_ORIGIN must be an origin without a path (got "${redactCredentials(value)}")`,
      { source: "AUTH_ORIGIN", fix },
    );
  }
  return undefined;
}

/** A URL as shown in messages: any `user:password@` part is masked. */
function redactCredentials(url: string): string {
  return url.replace(/\/\/[^/?#]*@/, "//***@");
}

function checkUrl(value: string): { code: "INVALID_URL" | "INSECURE_URL"; text: string; fix: string } | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return {
      code: "INVALID_URL",
      text: "is not an absolute URL",
      fix: "Use a full URL with scheme and host, such as https://example.com/oauth2callback.",
    };
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    return { code: "INVALID_URL", text: "must be an http(s) URL", fix: "Use an https:// URL." };
  }
  if (url.protocol === "http:" && !LOOPBACK_HOSTS.has(url.hostname)) {
    return {
      code: "INSECURE_URL",
      text: "uses http:// for a host that is not loopback",
      fix: "Use https://; plain http:// is only allowed for localhost, 127.0.0.1 and [::1].",
    };
  }
  if (url.username || url.password) {
    return {
      code: "INVALID_URL",
      text: "must not contain a user name or password",
      fix: "Remove the user:password@ part.",
    };
  }
  return undefined;
}

function readCookieSecrets(auth: Table, where: Where, errors: AuthConfigError[]): string[] | undefined {
  const value = auth["cookie_secret"];
  const fix = `Use a random string of at least ${MIN_SECRET_LENGTH} characters, e.g. the output of: openssl rand -base64 32`;
  if (value === undefined) {
    errors.push(
      new AuthConfigError("MISSING_KEY", `"cookie_secret" is missing${typoHint(auth, "cookie_secret")}`, {
        ...where,
        key: "cookie_secret",
        fix: `Add cookie_secret = "...". ${fix}.`,
      }),
    );
    return undefined;
  }
  const list = typeof value === "string" ? [value] : value;
  if (!Array.isArray(list) || list.length === 0 || !list.every((s): s is string => typeof s === "string")) {
    errors.push(
      new AuthConfigError(
        "WRONG_TYPE",
        '"cookie_secret" must be a string or a non-empty list of strings (newest first)',
        {
          ...where,
          key: "cookie_secret",
          fix: 'Write cookie_secret = "..." or, to rotate, cookie_secret = ["new...", "old..."].',
        },
      ),
    );
    return undefined;
  }
  const short = list.findIndex((s) => s.length < MIN_SECRET_LENGTH);
  if (short !== -1) {
    const which = list.length === 1 ? '"cookie_secret"' : `"cookie_secret" entry ${short + 1}`;
    errors.push(
      new AuthConfigError(
        "WEAK_SECRET",
        `${which} is ${list[short]!.length} characters long; at least ${MIN_SECRET_LENGTH} are required`,
        {
          ...where,
          key: "cookie_secret",
          fix: `${fix}.`,
        },
      ),
    );
    return undefined;
  }
  return list;
}

function readExposeTokens(auth: Table, where: Where, errors: AuthConfigError[]): TokenKind[] {
  const value = auth["expose_tokens"];
  if (value === undefined) return [];
  const list = typeof value === "string" ? [value] : value;
  if (Array.isArray(list) && list.every((t): t is TokenKind => t === "id" || t === "access")) return [...new Set(list)];
  errors.push(
    new AuthConfigError(
      "INVALID_VALUE",
      `"expose_tokens" must be "id", "access" or a list of them (got ${describe(value)})`,
      {
        ...where,
        key: "expose_tokens",
        fix: 'Write expose_tokens = ["id", "access"], or remove it.',
      },
    ),
  );
  return [];
}

interface ProviderContext {
  source: string;
  origin: string;
  defaultRedirectUri: string;
  sharedLogoutParams: Record<string, string>;
  options: ParseOptions;
  warnings: string[];
}

function providerSection(name: string): string {
  return name === DEFAULT_PROVIDER ? "[auth] (default provider)" : `[auth.${name}]`;
}

function readProvider(name: string, table: Table, ctx: ProviderContext): ProviderConfig | AuthConfigError[] {
  const section = providerSection(name);
  const where = { source: ctx.source, section };
  const errors: AuthConfigError[] = [];
  if (!PROVIDER_NAME.test(name)) {
    errors.push(
      new AuthConfigError("INVALID_PROVIDER_NAME", `the provider name "${name}" is not allowed`, {
        ...where,
        fix: "Use letters, digits, - and _ only (at most 64), such as [auth.google] or [auth.entra-id].",
      }),
    );
  }
  for (const key of Object.keys(table)) {
    if (!(PROVIDER_KEYS as readonly string[]).includes(key)) {
      ctx.warnings.push(unknownKeyWarning(ctx.source, section, key, PROVIDER_KEYS));
    }
  }
  const missing = REQUIRED_PROVIDER_KEYS.filter((key) => table[key] === undefined);
  if (missing.length > 0) {
    errors.push(
      new AuthConfigError(
        "MISSING_KEY",
        `missing ${missing.map((k) => `"${k}"`).join(", ")}${missing.map((k) => typoHint(table, k)).join("")}`,
        {
          ...where,
          key: missing.join(", "),
          fix: `Add ${missing.map((k) => `${k} = "..."`).join(", ")} from your identity provider's app registration.`,
        },
      ),
    );
  }
  const clientId = readString(table, "client_id", where, errors);
  const clientSecret = readString(table, "client_secret", where, errors);
  const serverMetadataUrl = readUrl(table, "server_metadata_url", where, ctx.options, errors, { required: false });
  const ownRedirect = readUrl(table, "redirect_uri", where, ctx.options, errors, { required: false });
  if (ownRedirect !== undefined && new URL(ownRedirect).origin !== ctx.origin) {
    errors.push(
      new AuthConfigError(
        "INVALID_VALUE",
        `"redirect_uri" must have the same origin as [auth] redirect_uri (${ctx.origin})`,
        {
          ...where,
          key: "redirect_uri",
          fix: `Change only the path, e.g. redirect_uri = "${ctx.origin}/oauth2callback/${name}".`,
        },
      ),
    );
  }
  const kwargs = readClientKwargs(table, where, errors);
  // (The default provider synthesised from top-level keys has no logout_params of its own: [auth]'s are shared.)
  const ownLogoutParams = readLogoutParams(table, where, errors);
  if (
    errors.length > 0 ||
    clientId === undefined ||
    clientSecret === undefined ||
    serverMetadataUrl === undefined ||
    !kwargs
  ) {
    return errors;
  }
  return {
    name,
    clientId,
    clientSecret,
    serverMetadataUrl,
    redirectUri: ownRedirect ?? ctx.defaultRedirectUri,
    authorizationParams: kwargs.params,
    tokenEndpointAuthMethod: kwargs.tokenEndpointAuthMethod,
    promptIsDefault: kwargs.promptIsDefault,
    logoutParams: { ...ctx.sharedLogoutParams, ...ownLogoutParams },
  };
}

/** `logout_params = { key = "value" }`: string values only (`""` removes a default parameter). */
function readLogoutParams(table: Table, where: Where, errors: AuthConfigError[]): Record<string, string> {
  const raw = table["logout_params"];
  if (raw === undefined) return {};
  const fix =
    'Write logout_params = { logout_hint = "{email}", id_token_hint = "" } (string values; "" removes a parameter).';
  if (!isTable(raw)) {
    errors.push(
      new AuthConfigError("WRONG_TYPE", '"logout_params" must be a table', { ...where, key: "logout_params", fix }),
    );
    return {};
  }
  const params: Record<string, string> = {};
  for (const [key, value] of Object.entries(raw)) {
    if (typeof value !== "string") {
      errors.push(
        new AuthConfigError("WRONG_TYPE", `logout_params.${key} must be a string, not ${describe(value)}`, {
          ...where,
          key: "logout_params",
          fix,
        }),
      );
    } else params[key] = value;
  }
  return params;
}

function readClientKwargs(
  table: Table,
  where: Where,
  errors: AuthConfigError[],
):
  | {
      params: Record<string, string>;
      tokenEndpointAuthMethod: TokenEndpointAuthMethod | undefined;
      promptIsDefault: boolean;
    }
  | undefined {
  const raw = table["client_kwargs"] ?? {};
  const kwWhere = { ...where, key: "client_kwargs" };
  if (!isTable(raw)) {
    errors.push(
      new AuthConfigError("WRONG_TYPE", '"client_kwargs" must be a table', {
        ...kwWhere,
        fix: 'Write client_kwargs = { prompt = "login" } or a [auth.<name>.client_kwargs] section.',
      }),
    );
    return undefined;
  }
  const params: Record<string, string> = { scope: DEFAULT_SCOPE, prompt: DEFAULT_PROMPT };
  let tokenEndpointAuthMethod: TokenEndpointAuthMethod | undefined;
  let ok = true;
  for (const [key, value] of Object.entries(raw)) {
    if (typeof value !== "string" && typeof value !== "number" && typeof value !== "boolean") {
      errors.push(
        new AuthConfigError("WRONG_TYPE", `client_kwargs.${key} must be a string, not ${describe(value)}`, {
          ...kwWhere,
          fix: `Write ${key} = "..."; authorization parameters are strings (space-separate lists, as in scope).`,
        }),
      );
      ok = false;
      continue;
    }
    const text = String(value);
    if (key === "code_challenge_method") {
      if (text !== "S256") {
        errors.push(
          new AuthConfigError(
            "PROTECTED_PARAMETER",
            `client_kwargs.code_challenge_method = "${text}" is not supported`,
            {
              ...kwWhere,
              fix: "Remove it: PKCE with S256 is always used.",
            },
          ),
        );
        ok = false;
      }
      continue;
    }
    if ((PROTECTED_PARAMETERS as readonly string[]).includes(key)) {
      errors.push(
        new AuthConfigError("PROTECTED_PARAMETER", `client_kwargs.${key} cannot be set`, {
          ...kwWhere,
          fix: `Remove ${key}: the library sets it on every login${key === "redirect_uri" ? " (use redirect_uri in the provider section instead)" : ""}.`,
        }),
      );
      ok = false;
      continue;
    }
    if (key === "token_endpoint_auth_method") {
      if (text !== "client_secret_basic" && text !== "client_secret_post") {
        errors.push(
          new AuthConfigError(
            "INVALID_VALUE",
            `client_kwargs.token_endpoint_auth_method = "${text}" is not supported`,
            {
              ...kwWhere,
              fix: 'Use "client_secret_basic" (the default) or "client_secret_post".',
            },
          ),
        );
        ok = false;
      } else tokenEndpointAuthMethod = text;
      continue;
    }
    if (key === "response_mode" && text !== "query") {
      errors.push(
        new AuthConfigError("PROTECTED_PARAMETER", `client_kwargs.response_mode = "${text}" is not supported`, {
          ...kwWhere,
          fix: 'Remove it (or use "query"): the callback reads the response from the query string.',
        }),
      );
      ok = false;
      continue;
    }
    if (!CLIENT_BEHAVIOUR_KWARGS.has(key)) params[key] = text;
  }
  if (!params["scope"]!.split(/\s+/).includes("openid")) {
    errors.push(
      new AuthConfigError("INVALID_VALUE", `client_kwargs.scope = "${params["scope"]}" does not include "openid"`, {
        ...kwWhere,
        fix: 'Add openid, e.g. scope = "openid email profile": without it the provider returns no ID token and nobody can log in.',
      }),
    );
    ok = false;
  }
  return ok ? { params, tokenEndpointAuthMethod, promptIsDefault: !Object.hasOwn(raw, "prompt") } : undefined;
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return "a list";
  if (isTable(value)) return "a table";
  if (typeof value === "string") return `"${value}"`;
  return `${typeof value} ${String(value)}`;
}

/** ` (found "redirect_url": a typo?)` when the table has an unknown key close to the missing one. */
function typoHint(table: Table, missing: string): string {
  const known = new Set<string>([...SHARED_KEYS, ...PROVIDER_KEYS]);
  const typo = Object.keys(table).find((k) => !known.has(k) && !isTable(table[k]) && nearest(k, [missing]) === missing);
  return typo === undefined ? "" : ` (found "${typo}": a typo?)`;
}

function notATableError(key: string, value: unknown, where: Where): AuthConfigError {
  return new AuthConfigError(
    "WRONG_TYPE",
    `"${key}" is neither a setting of [auth] nor a provider section (got ${typeof value === "string" ? "a string" : describe(value)})`,
    {
      ...where,
      key,
      fix: `Write a provider as its own section, [auth.${key}], with client_id, client_secret and server_metadata_url; or remove ${key}.`,
    },
  );
}

function unknownKeyWarning(source: string, section: string, key: string, known: readonly string[]): string {
  const suggestion = nearest(key, known);
  return `${source} ${section}: unknown key "${key}" is ignored.${suggestion ? ` Did you mean "${suggestion}"?` : ""}`;
}

function nearest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(word.length / 3)) + 1;
  for (const candidate of candidates) {
    const d = editDistance(word.toLowerCase(), candidate);
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}
