/**
 * What an unsealed identity cookie holds. Kept free of compression code so the edge middleware can check a cookie
 * without bundling `DecompressionStream` (Next refuses it in middleware builds).
 *
 * `{ v: 1, u: IdentityRecord }` when small, `{ v: 1, z: base64url(deflate-raw(JSON of IdentityRecord)) }` when large.
 */
export interface IdentityRecord {
  /** ID token claims plus `provider`. */
  c: Record<string, unknown>;
  /** Tokens exposed by `expose_tokens`. */
  t?: { id?: string; access?: string };
  /** The raw ID token, kept only for `id_token_hint` at logout and only while it fits. */
  h?: string;
}

export type SealedIdentity = { v: 1; u: IdentityRecord } | { v: 1; z: string };

export function isSealedIdentity(data: Record<string, unknown>): data is SealedIdentity {
  if (data["v"] !== 1) return false;
  if (typeof data["z"] === "string") return true;
  const u = data["u"];
  return typeof u === "object" && u !== null && isClaims((u as Record<string, unknown>)["c"]);
}

export function isClaims(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value) && typeof (value as Record<string, unknown>)["sub"] === "string";
}
