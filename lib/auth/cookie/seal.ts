import { sealData, unsealData } from "iron-session";

/**
 * iron-session seals (AES-256-CBC + HMAC-SHA256) with rotation-safe password ids: each secret's id is derived from
 * the secret itself, so adding or removing secrets never renumbers the others. The newest secret (first in the list)
 * seals; every listed secret unseals.
 */

const IRON_VERSION_SUFFIX = "~2";

function passwordId(secret: string): number {
  // FNV-1a, 31 bits: a stable label, not a secret-derived key.
  let hash = 0x811c9dc5;
  for (let i = 0; i < secret.length; i++) {
    hash ^= secret.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 1) + 1;
}

const passwordMaps = new WeakMap<
  readonly string[],
  { all: Record<number, string>; newest: Record<number, string>; newestId: number }
>();

function passwords(secrets: readonly string[]) {
  let maps = passwordMaps.get(secrets);
  if (!maps) {
    const all: Record<number, string> = {};
    for (const secret of [...secrets].reverse()) all[passwordId(secret)] = secret;
    const newestId = passwordId(secrets[0]!);
    maps = { all, newest: { [newestId]: secrets[0]! }, newestId };
    passwordMaps.set(secrets, maps);
  }
  return maps;
}

/** True when `value` names a password other than the newest in its header: a cheap pre-check before re-sealing. */
export function sealedWithOlderSecret(value: string, secrets: readonly string[]): boolean {
  const id = value.split("*", 3)[1];
  return id !== undefined && id !== String(passwords(secrets).newestId);
}

/** When a seal expires (ms since the epoch), from its header; only meaningful for a seal that also unseals. */
export function sealExpiresAt(value: string): number | undefined {
  const expiration = Number(value.split("*")[5]);
  return Number.isSafeInteger(expiration) && expiration > 0 ? expiration : undefined;
}

export async function seal(
  data: Record<string, unknown>,
  secrets: readonly string[],
  ttlSeconds: number,
): Promise<string> {
  return sealData(data, { password: passwords(secrets).newest, ttl: ttlSeconds });
}

export interface Unsealed {
  data: Record<string, unknown>;
  /** False when an older secret opened it: the caller should re-seal with the newest. */
  sealedWithNewest: boolean;
}

/**
 * Never throws: a tampered, truncated, expired, foreign or garbage value gives `undefined`.
 * Values without iron-session's `~2` suffix are refused outright (iron-session 8 would read them in a legacy shape
 * chosen by that unauthenticated suffix).
 */
export async function unseal(
  value: string,
  secrets: readonly string[],
  ttlSeconds: number,
): Promise<Unsealed | undefined> {
  if (!value.startsWith("Fe26.2*") || !value.endsWith(IRON_VERSION_SUFFIX) || value.length > 64 * 1024)
    return undefined;
  try {
    const data: unknown = await unsealData(value, { password: passwords(secrets).all, ttl: ttlSeconds });
    if (typeof data !== "object" || data === null || Array.isArray(data) || Object.keys(data).length === 0)
      return undefined;
    const id = Number(value.split("*", 3)[1]);
    return { data: data as Record<string, unknown>, sealedWithNewest: id === passwords(secrets).newestId };
  } catch {
    return undefined;
  }
}
