/**
 * Cookie names. On https the `__Host-` prefix makes the browser refuse copies set by a sibling subdomain or over
 * plain http (session fixation); on http loopback development the prefix is impossible, so plain names are used.
 */
export interface CookieNames {
  /** The identity cookie; chunks, when needed, are `<identity>.1`, `<identity>.2`, ... */
  identity: string;
  /** Transaction cookies are `<transactionPrefix><created, base 36>.<state>`, one per login in progress. */
  transactionPrefix: string;
  /** The logout in progress at the provider: its `state` and the page to come back to. */
  logout: string;
}

const secureNames: CookieNames = {
  identity: "__Host-auth_user",
  transactionPrefix: "__Host-auth_txn.",
  logout: "__Host-auth_logout",
};
const plainNames: CookieNames = { identity: "auth_user", transactionPrefix: "auth_txn.", logout: "auth_logout" };

export function cookieNames(secure: boolean): CookieNames {
  return secure ? secureNames : plainNames;
}

/** 30 days, as Streamlit. */
export const IDENTITY_MAX_AGE = 30 * 24 * 60 * 60;
/** A login has 10 minutes to come back from the provider. */
export const TRANSACTION_MAX_AGE = 10 * 60;
/** A logout has 10 minutes to come back from the provider (a confirmation page may wait for the user). */
export const LOGOUT_MAX_AGE = 10 * 60;
/** Logins in progress at once per browser (several tabs); older ones are dropped first. */
export const MAX_TRANSACTIONS = 5;
