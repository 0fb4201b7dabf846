/**
 * Configuration errors are part of the API: each one names where the bad value lives (source, section, key)
 * and how to fix it, so the message alone is enough to repair a secrets.toml.
 */
import { AuthError } from "../errors/auth-error.js";

/** The codes of {@link AuthConfigError}, as constants: `error.code === AuthConfigErrorCode.MISSING_KEY`. */
export const AuthConfigErrorCode = {
  NO_CONFIG: "NO_CONFIG",
  NO_AUTH_SECTION: "NO_AUTH_SECTION",
  TOML_SYNTAX: "TOML_SYNTAX",
  UNREADABLE_SOURCE: "UNREADABLE_SOURCE",
  MISSING_KEY: "MISSING_KEY",
  WRONG_TYPE: "WRONG_TYPE",
  INVALID_URL: "INVALID_URL",
  INSECURE_URL: "INSECURE_URL",
  WEAK_SECRET: "WEAK_SECRET",
  UNKNOWN_PROVIDER: "UNKNOWN_PROVIDER",
  INVALID_PROVIDER_NAME: "INVALID_PROVIDER_NAME",
  PROTECTED_PARAMETER: "PROTECTED_PARAMETER",
  INVALID_VALUE: "INVALID_VALUE",
} as const;

/** One of {@link AuthConfigErrorCode}. */
export type AuthConfigErrorCode = (typeof AuthConfigErrorCode)[keyof typeof AuthConfigErrorCode];

/** Where a configuration problem is and how to fix it. */
export interface AuthConfigErrorDetails {
  /** Where the config came from: a file path such as `secrets.toml`, or `AUTH_SECRETS`. */
  source: string;
  /** TOML section, e.g. `[auth]` or `[auth.google]`. */
  section?: string;
  key?: string;
  /** 1-based line, for syntax errors. */
  line?: number;
  /** One sentence that says how to fix it. */
  fix: string;
  /** The fix without any config value, when `fix` quotes one (for {@link AuthConfigError.publicMessage}). */
  publicFix?: string;
  /** The underlying error, e.g. the TOML parser's. */
  cause?: unknown;
}

/**
 * A problem in the auth configuration (secrets.toml, `AUTH_SECRETS`): its message names the source, section and key,
 * and says how to fix it. Thrown by `login()`, shown by the `/auth/*` routes, logged once at server start.
 */
export class AuthConfigError extends AuthError<AuthConfigErrorCode> {
  override readonly name = "AuthConfigError";
  /** Where the config came from: a file such as `secrets.toml`, or `AUTH_SECRETS`. */
  readonly source: string;
  /** The TOML section, e.g. `[auth]` or `[auth.google]`. */
  readonly section: string | undefined;
  /** The key (or keys, comma-separated) the problem is about. */
  readonly key: string | undefined;
  /** The 1-based line, for syntax errors. */
  readonly line: number | undefined;
  /** One sentence that says how to fix it. */
  readonly fix: string;
  /** The problem without location or fix, e.g. `"cookie_secret" is missing`. */
  readonly problem: string;
  /**
   * The message for a page anyone may see: the source's name (never an absolute path), line, section, key, the kind
   * of problem and the fix, but never a config value. {@link message} has the whole story, for the server log.
   */
  readonly publicMessage: string;

  constructor(code: AuthConfigErrorCode, problem: string, details: AuthConfigErrorDetails) {
    super(code, formatMessage(details.source, problem, details, details.fix), causeOf(details));
    this.problem = problem;
    this.source = details.source;
    this.section = details.section;
    this.key = details.key;
    this.line = details.line;
    this.fix = details.fix;
    this.publicMessage = formatMessage(
      sourceName(details.source),
      publicProblem(code, details.key),
      details,
      details.publicFix ?? details.fix,
    );
  }
}

function causeOf(details: AuthConfigErrorDetails): ErrorOptions | undefined {
  return details.cause === undefined ? undefined : { cause: details.cause };
}

function formatMessage(source: string, problem: string, d: AuthConfigErrorDetails, fix: string): string {
  const where = [source + (d.line === undefined ? "" : `:${d.line}`), d.section].filter(Boolean).join(" ");
  return `${where}: ${problem}. ${fix}`;
}

/** A file given by absolute path is named by its file name alone: the server's directories are nobody's business. */
export function sourceName(source: string): string {
  if (!/^(?:[A-Za-z]:)?[\\/]/.test(source)) return source;
  return source.split(/[\\/]/).pop() || "the configuration file";
}

const PUBLIC_PROBLEMS: Readonly<Record<AuthConfigErrorCode, string>> = {
  NO_CONFIG: "no auth configuration found",
  NO_AUTH_SECTION: "has no [auth] section",
  TOML_SYNTAX: "is not valid TOML",
  UNREADABLE_SOURCE: "cannot be read",
  MISSING_KEY: "is missing",
  WRONG_TYPE: "has the wrong type",
  INVALID_URL: "is not a valid URL",
  INSECURE_URL: "uses http:// for a host that is not loopback",
  WEAK_SECRET: "is too short",
  UNKNOWN_PROVIDER: "names no configured provider",
  INVALID_PROVIDER_NAME: "is not an allowed provider name",
  PROTECTED_PARAMETER: "sets something the library controls",
  INVALID_VALUE: "has a value that is not allowed",
};

/** The kind of problem, about the key(s) when there are any: `"client_id", "client_secret" are missing`. */
function publicProblem(code: AuthConfigErrorCode, key: string | undefined): string {
  const text = PUBLIC_PROBLEMS[code];
  if (key === undefined) return text;
  const keys = key.split(", ");
  const quoted = keys.map((k) => `"${k}"`).join(", ");
  return keys.length > 1 && text.startsWith("is ") ? `${quoted} are ${text.slice(3)}` : `${quoted} ${text}`;
}

/** The code of {@link AuthConfigErrors}. */
export const AuthConfigErrorsCode = { CONFIG_ERRORS: "CONFIG_ERRORS" } as const;

/** Several problems found at once (Streamlit lists every missing key together; so do we), one per line. */
export class AuthConfigErrors extends AuthError<typeof AuthConfigErrorsCode.CONFIG_ERRORS> {
  override readonly name = "AuthConfigErrors";
  /** Each problem. */
  readonly errors: readonly AuthConfigError[];
  constructor(errors: readonly AuthConfigError[]) {
    super(AuthConfigErrorsCode.CONFIG_ERRORS, errors.map((e) => e.message).join("\n"));
    this.errors = errors;
  }
}
