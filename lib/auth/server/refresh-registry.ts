import type { AccessTokenError } from "../protocol/access-token-error.js";

/**
 * Process-wide bookkeeping of refreshes, on `globalThis` under registered symbols (Next bundles the same module into
 * several route bundles of one process):
 * - refreshes running now, by refresh token, so one session refreshes once at a time;
 * - refresh tokens the provider refused, so they are not sent again (at most {@link MAX_REFUSED}, for ten minutes).
 */

const MAX_REFUSED = 1_000;
const REFUSED_FOR_MS = 10 * 60 * 1000;

function shared<T>(name: string, create: () => T): T {
  const key = Symbol.for(`streamlit-auth-nextjs.${name}`);
  const global = globalThis as typeof globalThis & Record<symbol, T | undefined>;
  return (global[key] ??= create());
}

export const inflightRefreshes = shared("inflight-refreshes", () => new Map<string, Promise<unknown>>());

const refused = shared("refused-refresh-tokens", () => new Map<string, { error: AccessTokenError; until: number }>());

export const refusedRefreshTokens = {
  get(refreshToken: string, now = Date.now()): AccessTokenError | undefined {
    const entry = refused.get(refreshToken);
    if (entry === undefined) return undefined;
    if (now < entry.until) return entry.error;
    refused.delete(refreshToken);
    return undefined;
  },
  set(refreshToken: string, error: AccessTokenError, now = Date.now()): void {
    refused.delete(refreshToken);
    refused.set(refreshToken, { error, until: now + REFUSED_FOR_MS });
    while (refused.size > MAX_REFUSED) refused.delete(refused.keys().next().value!);
  },
  clear(): void {
    refused.clear();
  },
};
