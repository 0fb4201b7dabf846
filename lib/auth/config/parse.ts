import { parse as parseToml, TomlError } from "smol-toml";
import { readAllowLists } from "./allow-lists.js";
import { AuthConfigError } from "./errors.js";
import {
  AUTH_TABLE_KEYS,
  DEFAULT_PROVIDER,
  PROVIDER_KEYS,
  PROVIDER_NAME,
  SHARED_KEYS,
  type ParseOptions,
} from "./keys.js";
import { readProvider } from "./provider.js";
import { readSessionPolicy } from "./session-policy.js";
import { readCookieSecrets, readExposeTokens, readLogoutParams } from "./shared.js";
import { nearest, unknownKeyWarning } from "./suggest.js";
import type { AuthConfig, ConfigState, ProviderConfig } from "./types.js";
import { checkOrigin, onOrigin, readUrl } from "./urls.js";
import { isTable, notATableError, type Table } from "./values.js";

/**
 * Turns secrets.toml text into a validated {@link ConfigState}. Pure: no file or network access, so the edge
 * middleware runs the same code on the same text.
 */

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
        cause: error,
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
  const sharedLogoutParams = readLogoutParams(auth, here, errors, warnings);
  const session = readSessionPolicy(auth, here, errors);
  const sharedAllowLists = readAllowLists(auth, here, errors);

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
      sharedAllowLists,
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
    session,
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
  for (const key of [
    "client_id",
    "client_secret",
    "server_metadata_url",
    "client_kwargs",
    "id_token_signed_response_alg",
  ]) {
    // Streamlit copies these only when truthy.
    if (auth[key] !== undefined && auth[key] !== "") picked[key] = auth[key];
  }
  return picked;
}
