/** Set-Cookie values for the library's own cookies. Every cookie is HttpOnly, SameSite=Lax, Path=/. */

export interface CookieAttributes {
  /** `Secure` (and the `__Host-` name prefix, chosen by the caller) when the app's origin is https. */
  secure: boolean;
  /** Seconds; 0 deletes the cookie. */
  maxAge: number;
}

export interface CookieWrite extends CookieAttributes {
  name: string;
  value: string;
}

export function serializeCookie({ name, value, secure, maxAge }: CookieWrite): string {
  let header = `${name}=${value}; Path=/; Max-Age=${maxAge}; HttpOnly; SameSite=Lax`;
  if (maxAge === 0) header += "; Expires=Thu, 01 Jan 1970 00:00:00 GMT";
  if (secure) header += "; Secure";
  return header;
}

export function deletion(name: string, secure: boolean): CookieWrite {
  return { name, value: "", secure, maxAge: 0 };
}

/** Parses a request `Cookie` header. The first value wins for a repeated name, as browsers send the most specific first. */
export function parseCookieHeader(header: string | null | undefined): Map<string, string> {
  const jar = new Map<string, string>();
  if (!header) return jar;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq === -1) continue;
    const name = part.slice(0, eq).trim();
    if (name === "" || jar.has(name)) continue;
    let value = part.slice(eq + 1).trim();
    if (value.startsWith('"') && value.endsWith('"') && value.length >= 2) value = value.slice(1, -1);
    jar.set(name, value);
  }
  return jar;
}

/** Read-only view of the request's cookies, whatever the source (`Request` headers or `next/headers`). */
export type CookieJar = ReadonlyMap<string, string>;
