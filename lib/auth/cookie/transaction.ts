import { cookieNames, MAX_TRANSACTIONS, TRANSACTION_MAX_AGE } from "./names.js";
import { seal, SEAL_SKEW_MS, sealExpiresAt, unseal } from "./seal.js";
import { deletion, type CookieJar, type CookieWrite } from "./serialize.js";

/**
 * One sealed cookie per login in progress, named after its `state`, so logins begun in several tabs complete in any
 * order. It holds everything the callback must trust: the provider is taken from here, never from the callback URL.
 */
export interface Transaction {
  readonly state: string;
  readonly nonce: string;
  readonly codeVerifier: string;
  readonly provider: string;
  /** The issuer the login was sent to (a changed provider config cannot redirect the callback elsewhere). */
  readonly issuer: string;
  /** The redirect_uri sent in the authorization request; the token request must repeat it. */
  readonly redirectUri: string;
  /** Same-origin path to land on afterwards. */
  readonly returnTo: string;
  /** This login left Streamlit's default `prompt` out because the provider refused it (retried at most once). */
  readonly defaultPromptDropped?: true;
  /** The caller's own login parameters (`login(provider, options)`, `/auth/login?...`), kept for a retry. */
  readonly request?: TransactionRequest;
  /** The `max_age` this login sent (the caller's or client_kwargs'): the ID token's `auth_time` must satisfy it. */
  readonly maxAge?: number;
}

/** The per-call parameters of a login, as validated when it started. */
export interface TransactionRequest {
  readonly prompt?: string;
  readonly loginHint?: string;
  readonly maxAge?: number;
  readonly acrValues?: string;
}

interface TransactionOptions {
  secrets: readonly string[];
  secure: boolean;
}

const STATE_SHAPE = /^[A-Za-z0-9_-]{16,128}$/;

function transactionName(secure: boolean, createdAt: number, state: string): string {
  return `${cookieNames(secure).transactionPrefix}${createdAt.toString(36)}.${state}`;
}

interface StoredName {
  name: string;
  createdAt: number;
  state: string;
}

function storedTransactions(jar: CookieJar, secure: boolean): StoredName[] {
  const prefix = cookieNames(secure).transactionPrefix;
  const found: StoredName[] = [];
  for (const name of jar.keys()) {
    if (!name.startsWith(prefix)) continue;
    const rest = name.slice(prefix.length);
    const dot = rest.indexOf(".");
    found.push({ name, createdAt: dot > 0 ? parseInt(rest.slice(0, dot), 36) || 0 : 0, state: rest.slice(dot + 1) });
  }
  return found;
}

/** The new transaction cookie, plus deletions that keep at most {@link MAX_TRANSACTIONS} in the browser. */
export async function transactionCookies(
  transaction: Transaction,
  jar: CookieJar,
  { secrets, secure }: TransactionOptions,
  now = Date.now(),
): Promise<CookieWrite[]> {
  const value = await seal({ v: 1, ...transaction }, secrets, TRANSACTION_MAX_AGE);
  const writes: CookieWrite[] = [
    { name: transactionName(secure, now, transaction.state), value, secure, maxAge: TRANSACTION_MAX_AGE },
  ];
  const existing = storedTransactions(jar, secure).sort((a, b) => b.createdAt - a.createdAt);
  for (const old of existing.slice(MAX_TRANSACTIONS - 1)) writes.push(deletion(old.name, secure));
  return writes;
}

export interface FoundTransaction {
  transaction: Transaction;
  cookieName: string;
  /** The last moment (ms since the epoch) the transaction cookie is accepted. */
  acceptedUntil: number;
}

/** The transaction whose state matches, or `undefined` (missing, expired, tampered or sealed with another secret). */
export async function readTransaction(
  state: string,
  jar: CookieJar,
  { secrets, secure }: TransactionOptions,
): Promise<FoundTransaction | undefined> {
  if (!STATE_SHAPE.test(state)) return undefined;
  const stored = storedTransactions(jar, secure).find((t) => t.state === state);
  if (!stored) return undefined;
  const value = jar.get(stored.name) ?? "";
  const opened = await unseal(value, secrets);
  const data = opened?.data;
  if (!data || data["v"] !== 1 || data["state"] !== state) return undefined;
  const fields = ["nonce", "codeVerifier", "provider", "issuer", "redirectUri", "returnTo"] as const;
  if (!fields.every((f) => typeof data[f] === "string")) return undefined;
  if (data["defaultPromptDropped"] !== undefined && data["defaultPromptDropped"] !== true) return undefined;
  if (data["request"] !== undefined && !isTransactionRequest(data["request"])) return undefined;
  if (data["maxAge"] !== undefined && !isSeconds(data["maxAge"])) return undefined;
  return {
    transaction: data as unknown as Transaction,
    cookieName: stored.name,
    acceptedUntil: (sealExpiresAt(value) ?? 0) + SEAL_SKEW_MS,
  };
}

const REQUEST_FIELDS = new Set(["prompt", "loginHint", "acrValues"]);

function isSeconds(value: unknown): value is number {
  return typeof value === "number" && Number.isSafeInteger(value) && value >= 0;
}

function isTransactionRequest(value: unknown): value is TransactionRequest {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  return Object.entries(value).every(([key, v]) =>
    key === "maxAge" ? isSeconds(v) : REQUEST_FIELDS.has(key) && typeof v === "string",
  );
}

export function transactionDeletion(cookieName: string, secure: boolean): CookieWrite {
  return deletion(cookieName, secure);
}

export function allTransactionDeletions(jar: CookieJar, secure: boolean): CookieWrite[] {
  return storedTransactions(jar, secure).map((t) => deletion(t.name, secure));
}
