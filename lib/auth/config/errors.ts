/**
 * Configuration errors are part of the API: each one names where the bad value lives (source, section, key)
 * and how to fix it, so the message alone is enough to repair a secrets.toml.
 */
export type AuthConfigErrorCode =
  | "NO_CONFIG"
  | "NO_AUTH_SECTION"
  | "TOML_SYNTAX"
  | "UNREADABLE_SOURCE"
  | "MISSING_KEY"
  | "WRONG_TYPE"
  | "INVALID_URL"
  | "INSECURE_URL"
  | "WEAK_SECRET"
  | "UNKNOWN_PROVIDER"
  | "INVALID_PROVIDER_NAME"
  | "PROTECTED_PARAMETER"
  | "INVALID_VALUE";

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
}

export class AuthConfigError extends Error {
  override readonly name = "AuthConfigError";
  readonly code: AuthConfigErrorCode;
  readonly source: string;
  readonly section: string | undefined;
  readonly key: string | undefined;
  readonly line: number | undefined;
  readonly fix: string;
  /** The problem without location or fix, e.g. `"cookie_secret" is missing`. */
  readonly problem: string;

  constructor(code: AuthConfigErrorCode, problem: string, details: AuthConfigErrorDetails) {
    super(formatMessage(problem, details));
    this.code = code;
    this.problem = problem;
    this.source = details.source;
    this.section = details.section;
    this.key = details.key;
    this.line = details.line;
    this.fix = details.fix;
  }
}

function formatMessage(problem: string, d: AuthConfigErrorDetails): string {
  const where = [d.source + (d.line === undefined ? "" : `:${d.line}`), d.section].filter(Boolean).join(" ");
  return `${where}: ${problem}. ${d.fix}`;
}

/** Several problems found at once (Streamlit lists every missing key together; so do we). */
export class AuthConfigErrors extends Error {
  override readonly name = "AuthConfigErrors";
  readonly errors: readonly AuthConfigError[];
  constructor(errors: readonly AuthConfigError[]) {
    super(errors.map((e) => e.message).join("\n"));
    this.errors = errors;
  }
}
