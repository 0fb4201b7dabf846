import type { CookieJar } from "./serialize.js";

/**
 * Splitting one long value over several cookies. Browsers keep at most 4096 bytes per cookie (name, value and
 * attributes together), so each piece is at most {@link CHUNK_SIZE} characters.
 *
 * One piece: `<name>=<value>`. Several: `<name>=<count>~<piece 0>`, `<name>.1=<piece 1>`, ... The count makes stale
 * pieces from an earlier, longer value harmless; a wrong or missing piece breaks the seal's HMAC and reads as absent.
 */
export const CHUNK_SIZE = 3800;
export const MAX_CHUNKS = 4;

export function splitValue(name: string, value: string): Array<{ name: string; value: string }> {
  if (value.length <= CHUNK_SIZE) return [{ name, value }];
  const pieces: string[] = [];
  for (let i = 0; i < value.length; i += CHUNK_SIZE) pieces.push(value.slice(i, i + CHUNK_SIZE));
  return pieces.map((piece, i) =>
    i === 0 ? { name, value: `${pieces.length}~${piece}` } : { name: `${name}.${i}`, value: piece },
  );
}

export function joinValue(name: string, jar: CookieJar): string | undefined {
  const head = jar.get(name);
  if (head === undefined || head === "") return undefined;
  const match = /^(\d{1,2})~/.exec(head);
  if (!match) return head;
  const count = Number(match[1]);
  if (count < 2 || count > MAX_CHUNKS) return undefined;
  let value = head.slice(match[0].length);
  for (let i = 1; i < count; i++) {
    const piece = jar.get(`${name}.${i}`);
    if (piece === undefined) return undefined;
    value += piece;
  }
  return value;
}

/** Names of `name` and all its chunk cookies present in the jar (for deleting them all). */
export function chunkCookieNames(name: string, jar: CookieJar): string[] {
  const names: string[] = [];
  for (const key of jar.keys()) {
    if (key === name || (key.startsWith(`${name}.`) && /^\d+$/.test(key.slice(name.length + 1)))) names.push(key);
  }
  return names;
}
