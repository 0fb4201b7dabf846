import type { Transaction } from "../cookie/transaction.js";

/**
 * The provider's answers to the per-call login options (OIDC Core §3.1.2.6): what a `prompt=none` login means by
 * "no", and a message that names the values a refused login asked for.
 */

/** The errors by which a provider answers `prompt=none` when the user would have to interact (OIDC Core §3.1.2.6). */
export const SILENT_LOGIN_ERRORS = [
  "login_required",
  "interaction_required",
  "consent_required",
  "account_selection_required",
] as const;

/** Whether this is the answer "not without the user" to a silent login check (`prompt=none`). */
export function isSilentLoginRefusal(transaction: Transaction, error: string): boolean {
  return transaction.request?.prompt === "none" && (SILENT_LOGIN_ERRORS as readonly string[]).includes(error);
}

/**
 * The page's message for a provider's error answer to a login that carried the caller's own options, naming them;
 * undefined for a login without any. `login_hint` is named but not shown: it is the user's account.
 */
export function refusedLoginMessage(error: string, transaction: Transaction): string | undefined {
  const request = transaction.request;
  const maxAge = transaction.maxAge;
  // The provider's own failure is not about the values.
  if ((!request && maxAge === undefined) || error === "server_error" || error === "temporarily_unavailable")
    return undefined;
  if (error === "unmet_authentication_requirements" && request?.acrValues !== undefined)
    return `The identity provider could not sign you in the way this login asked for (acr_values="${request.acrValues}"), so you were not logged in (unmet_authentication_requirements).`;
  const asked = [
    request?.prompt === undefined ? undefined : `prompt="${request.prompt}"`,
    maxAge === undefined ? undefined : `max_age=${maxAge}`,
    request?.acrValues === undefined ? undefined : `acr_values="${request.acrValues}"`,
    request?.loginHint === undefined ? undefined : "a login_hint",
  ].filter((text): text is string => text !== undefined);
  return `The identity provider did not log you in (${error}). This login asked for ${asked.join(", ")}; the provider may not support ${asked.length > 1 ? "one of them" : "it"}.`;
}
