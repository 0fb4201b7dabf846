import { AuthConfigError } from "./errors.js";
import { MIN_SECRET_LENGTH } from "./keys.js";
import type { TokenKind } from "./types.js";
import { describe, isTable, typoHint, type Table, type Where } from "./values.js";

/** `[auth]` keys shared by every provider: cookie_secret, expose_tokens, logout_params (also per provider). */

export function readCookieSecrets(auth: Table, where: Where, errors: AuthConfigError[]): string[] | undefined {
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

export function readExposeTokens(auth: Table, where: Where, errors: AuthConfigError[]): TokenKind[] {
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

/** `logout_params = { key = "value" }`: string values only (`""` removes a default parameter). */
export function readLogoutParams(
  table: Table,
  where: Where,
  errors: AuthConfigError[],
  warnings: string[],
): Record<string, string> {
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
    } else if (key === "state") {
      warnings.push(
        `${where.source} ${where.section}: logout_params.state is ignored: the library sends a state of its own on every logout and checks it when the provider comes back. Remove it.`,
      );
    } else params[key] = value;
  }
  return params;
}
