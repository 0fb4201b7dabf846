import { effectiveAllowLists, readAllowLists, type AllowLists } from "./allow-lists.js";
import { AuthConfigError } from "./errors.js";
import {
  CLIENT_BEHAVIOUR_KWARGS,
  DEFAULT_PROMPT,
  DEFAULT_PROVIDER,
  DEFAULT_SCOPE,
  PROTECTED_PARAMETERS,
  PROVIDER_KEYS,
  PROVIDER_NAME,
  REQUIRED_PROVIDER_KEYS,
  type ParseOptions,
} from "./keys.js";
import { readLogoutParams } from "./shared.js";
import { readIdTokenSigningAlg } from "./signing-alg.js";
import { unknownKeyWarning } from "./suggest.js";
import type { ProviderConfig, TokenEndpointAuthMethod } from "./types.js";
import { readUrl } from "./urls.js";
import { describe, isTable, readString, typoHint, type Table, type Where } from "./values.js";

/** One provider section: `[auth.<name>]`, or the default provider's keys in `[auth]`. */

export interface ProviderContext {
  source: string;
  origin: string;
  defaultRedirectUri: string;
  sharedLogoutParams: Record<string, string>;
  /** `[auth]`'s allow-lists, for providers without lists of their own. */
  sharedAllowLists: AllowLists | undefined;
  options: ParseOptions;
  warnings: string[];
}

export function providerSection(name: string): string {
  return name === DEFAULT_PROVIDER ? "[auth] (default provider)" : `[auth.${name}]`;
}

export function readProvider(name: string, table: Table, ctx: ProviderContext): ProviderConfig | AuthConfigError[] {
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
          publicFix: "Change only the path: keep the origin of [auth] redirect_uri.",
        },
      ),
    );
  }
  const kwargs = readClientKwargs(table, where, errors);
  const idTokenSignedResponseAlg = readIdTokenSigningAlg(
    table,
    ctx.options.clientSecretsWithheld ? undefined : clientSecret,
    where,
    errors,
  );
  // (The default provider synthesised from top-level keys has no logout_params of its own: [auth]'s are shared.)
  const ownLogoutParams = readLogoutParams(table, where, errors, ctx.warnings);
  const ownAllowLists = readAllowLists(table, where, errors);
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
    idTokenSignedResponseAlg,
    logoutParams: { ...ctx.sharedLogoutParams, ...ownLogoutParams },
    allowLists: effectiveAllowLists(ctx.sharedAllowLists, ownAllowLists),
  };
}

export function readClientKwargs(
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
