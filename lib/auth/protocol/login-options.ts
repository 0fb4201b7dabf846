import { PROTECTED_PARAMETERS } from "../config/keys.js";
import type { TransactionRequest } from "../cookie/transaction.js";
import { AuthFlowError } from "./errors.js";

/**
 * Per-call options of one login (OIDC Core §3.1.2.1): the same for `login(provider, options)`, `loginUrl()` and the
 * query parameters of `GET /auth/login`. For this one login they replace what `client_kwargs` sets.
 */
export interface LoginOptions {
  /** Where to land afterwards: a path of this app (anything else means `/`). Default: the current page. */
  returnTo?: string;
  /** `login_hint`: the account to suggest (usually an email address); at most 256 characters. */
  loginHint?: string;
  /** `prompt`: space-separated `login`, `consent`, `select_account`, or `none` alone (a silent login check). */
  prompt?: string;
  /** `max_age`: seconds since the user last signed in at the provider, else they sign in again (step-up). */
  maxAge?: number;
  /** `acr_values`: the authentication context classes asked for, space-separated or as a list. */
  acrValues?: string | readonly string[];
}

/** The validated OIDC parameters of one login, as sent to the provider and recorded in its transaction. */
export type LoginRequest = TransactionRequest;

type RequestField = keyof LoginRequest;

/** The query parameter (and form field) of each option: the OIDC names. */
export const LOGIN_PARAMETERS: Readonly<Record<RequestField, string>> = {
  loginHint: "login_hint",
  prompt: "prompt",
  maxAge: "max_age",
  acrValues: "acr_values",
};

export const PROMPT_VALUES = ["none", "login", "consent", "select_account"] as const;
export const MAX_LOGIN_HINT_LENGTH = 256;
export const MAX_ACR_VALUES_LENGTH = 512;
/** The largest `max_age` accepted: 2^31 - 1 seconds, which every provider's integer type holds. */
export const MAX_MAX_AGE = 2_147_483_647;

/** What each option accepts, in words, for the errors. */
const ALLOWED: Readonly<Record<RequestField, string>> = {
  prompt: `one or more of ${PROMPT_VALUES.slice(1).join(", ")} (space-separated), or none alone`,
  maxAge: `a whole number of seconds from 0 to ${MAX_MAX_AGE}`,
  loginHint: `at most ${MAX_LOGIN_HINT_LENGTH} characters, without control characters`,
  acrValues: `space-separated values of printable ASCII characters, at most ${MAX_ACR_VALUES_LENGTH} characters in all`,
};

const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const ACR_VALUE = /^[\x21-\x7e]+$/;

/**
 * Which side gave a value: the browser (a query or a form; its values are never echoed) or the app's code, named by the
 * function it called.
 */
type Source = "browser" | Caller;
type Caller = "login()" | "loginUrl()";

function invalid(field: RequestField, source: Source, value?: unknown): AuthFlowError {
  const parameter = LOGIN_PARAMETERS[field];
  const message =
    source === "browser"
      ? `This login link has an invalid ${parameter}. It must be ${ALLOWED[field]}.`
      : `${source}: ${field} (${parameter}) ${shown(value)} is invalid. It must be ${ALLOWED[field]}.`;
  return new AuthFlowError("INVALID_LOGIN_OPTION", 400, message, `${parameter}: ${ALLOWED[field]}`);
}

function shown(value: unknown): string {
  const text = typeof value === "string" || Array.isArray(value) ? JSON.stringify(value) : String(value);
  return text.length > 80 ? `${text.slice(0, 80)}…` : text;
}

function checkPrompt(raw: string, source: Source): string {
  const values = [...new Set(raw.split(" ").filter(Boolean))];
  const known = (v: string) => (PROMPT_VALUES as readonly string[]).includes(v);
  if (values.length === 0 || !values.every(known) || (values.includes("none") && values.length > 1))
    throw invalid("prompt", source, raw);
  return values.join(" ");
}

function checkLoginHint(raw: string, source: Source): string {
  if (raw.length > MAX_LOGIN_HINT_LENGTH || CONTROL.test(raw) || LONE_SURROGATE.test(raw))
    throw invalid("loginHint", source, raw);
  return raw;
}

function checkAcrValues(raw: string | readonly string[], source: Source): string {
  const values = typeof raw === "string" ? raw.split(" ").filter(Boolean) : [...raw];
  const joined = values.join(" ");
  if (values.length === 0 || !values.every((v) => ACR_VALUE.test(v)) || joined.length > MAX_ACR_VALUES_LENGTH)
    throw invalid("acrValues", source, raw);
  return joined;
}

function checkMaxAge(raw: number, source: Source): number {
  if (!Number.isSafeInteger(raw) || raw < 0 || raw > MAX_MAX_AGE) throw invalid("maxAge", source, raw);
  return raw;
}

/**
 * The login options of a request from the browser: the query of `/auth/login` or the fields of a login form. Empty
 * values count as absent; a parameter given twice, or a value outside its allowed set, is a 400 `AuthFlowError`
 * (`INVALID_LOGIN_OPTION`) that names the parameter and what it accepts. Nothing else is read from `params`.
 */
export function loginRequestFromParams(params: URLSearchParams): LoginRequest {
  const value = (field: RequestField): string | undefined => {
    const all = params.getAll(LOGIN_PARAMETERS[field]);
    if (all.length > 1) throw invalid(field, "browser");
    return all[0] || undefined;
  };
  const [prompt, loginHint, maxAge, acrValues] = [
    value("prompt"),
    value("loginHint"),
    value("maxAge"),
    value("acrValues"),
  ];
  if (maxAge !== undefined && !/^\d{1,10}$/.test(maxAge)) throw invalid("maxAge", "browser");
  return compact({
    prompt: prompt === undefined ? undefined : checkPrompt(prompt, "browser"),
    loginHint: loginHint === undefined ? undefined : checkLoginHint(loginHint, "browser"),
    maxAge: maxAge === undefined ? undefined : checkMaxAge(Number(maxAge), "browser"),
    acrValues: acrValues === undefined ? undefined : checkAcrValues(acrValues, "browser"),
  });
}

const OPTION_NAMES = ["returnTo", "loginHint", "prompt", "maxAge", "acrValues"] as const;

/**
 * The login options the app's code passed (`login(provider, options)`, `loginUrl()`), checked: a wrong value or an
 * unknown key is an `AuthFlowError` (`INVALID_LOGIN_OPTION`) saying what is accepted. Empty strings count as absent.
 * `state`, `nonce`, `redirect_uri` and the other parameters the library sets can never be given this way.
 */
export function loginRequestFromOptions(options: LoginOptions, caller: Caller = "login()"): LoginRequest {
  if (typeof options !== "object" || options === null || Array.isArray(options))
    throw new AuthFlowError(
      "INVALID_LOGIN_OPTION",
      400,
      `${caller}: the options must be an object such as { returnTo: "/reports", maxAge: 300 }, not ${JSON.stringify(options)}.`,
    );
  for (const key of Object.keys(options)) {
    if ((OPTION_NAMES as readonly string[]).includes(key)) continue;
    throw new AuthFlowError("INVALID_LOGIN_OPTION", 400, `${caller}: ${unknownOption(key)}`);
  }
  const { loginHint, prompt, maxAge, acrValues, returnTo } = options;
  const text = (field: RequestField, value: unknown): string | undefined => {
    if (value === undefined || value === "") return undefined;
    if (typeof value !== "string") throw invalid(field, caller, value);
    return value;
  };
  if (returnTo !== undefined && typeof returnTo !== "string")
    throw new AuthFlowError("INVALID_LOGIN_OPTION", 400, `${caller}: returnTo must be a path of this app, a string.`);
  if (maxAge !== undefined && typeof maxAge !== "number") throw invalid("maxAge", caller, maxAge);
  const hint = text("loginHint", loginHint);
  const asked = text("prompt", prompt);
  const acr = Array.isArray(acrValues) ? acrValues : text("acrValues", acrValues);
  if (Array.isArray(acr) && !acr.every((v) => typeof v === "string")) throw invalid("acrValues", caller, acr);
  return compact({
    prompt: asked === undefined ? undefined : checkPrompt(asked, caller),
    loginHint: hint === undefined ? undefined : checkLoginHint(hint, caller),
    maxAge: maxAge === undefined ? undefined : checkMaxAge(maxAge, caller),
    acrValues: acr === undefined ? undefined : checkAcrValues(acr, caller),
  });
}

function unknownOption(key: string): string {
  const field = (Object.keys(LOGIN_PARAMETERS) as RequestField[]).find((f) => LOGIN_PARAMETERS[f] === key);
  if (field) return `write ${field}, not ${key} (the options use camelCase; ${key} is its name in the URL).`;
  const reason = (PROTECTED_PARAMETERS as readonly string[]).includes(key)
    ? `${key} is set by the library on every login and cannot be changed.`
    : `there is no option ${JSON.stringify(key).slice(0, 66)}.`;
  return `${reason} The options are ${OPTION_NAMES.join(", ")}; other provider parameters belong in client_kwargs.`;
}

function compact(request: { [K in RequestField]: LoginRequest[K] | undefined }): LoginRequest {
  return Object.fromEntries(Object.entries(request).filter(([, v]) => v !== undefined)) as LoginRequest;
}

/** The query parameters of a login request, in a fixed order. */
export function loginRequestParams(request: LoginRequest): Array<[string, string]> {
  const fields: RequestField[] = ["loginHint", "prompt", "maxAge", "acrValues"];
  return fields.flatMap((field) =>
    request[field] === undefined ? [] : [[LOGIN_PARAMETERS[field], String(request[field])] as [string, string]],
  );
}
