/**
 * Cookie names. On https the `__Host-` prefix makes the browser refuse copies set by a sibling subdomain or over
 * plain http (session fixation); on http loopback development the prefix is impossible, so plain names are used.
 */
export interface CookieNames {
  /** The identity cookie; chunks, when needed, are `<identity>.1`, `<identity>.2`, ... */
  identity: string;
  /** Transaction cookies are `<transactionPrefix><created, base 36>.<state>`, one per login in progress. */
  transactionPrefix: string;
}

const secureNames: CookieNames = { identity: "__Host-auth_user", transactionPrefix: "__Host-auth_txn." };
const plainNames: CookieNames = { identity: "auth_user", transactionPrefix: "auth_txn." };

export function cookieNames(secure: boolean): CookieNames {
  return secure ? secureNames : plainNames;
}

/** 30 days, as Streamlit. */
export const IDENTITY_MAX_AGE = 30 * 24 * 60 * 60;
/** A login has 10 minutes to come back from the provider. */
export const TRANSACTION_MAX_AGE = 10 * 60;
/** Logins in progress at once per browser (several tabs); older ones are dropped first. */
export const MAX_TRANSACTIONS = 5;
