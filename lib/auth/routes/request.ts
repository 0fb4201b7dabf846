import { parseCookieHeader, type CookieJar } from "../cookie/serialize.js";

/** What the auth routes read from a request, on Web APIs only. */

export function requestCookies(request: Request): CookieJar {
  return parseCookieHeader(request.headers.get("cookie"));
}

/** Link prefetches and router prefetches must not start a login (they would mint transaction cookies). */
export function isPrefetch(request: Request): boolean {
  const h = request.headers;
  return (
    h.get("next-router-prefetch") === "1" ||
    h.get("purpose") === "prefetch" ||
    (h.get("sec-purpose") ?? "").includes("prefetch") ||
    h.has("x-middleware-prefetch")
  );
}

/**
 * A request that is not the browser loading a page: a HEAD, a prefetch, the App Router's RSC fetch (a client-side
 * navigation), or a subresource (`<img>`, `fetch()`). Starting a login for it would only leave a stray transaction;
 * answered with 204, Next's router falls back to a full page load, which is a real navigation.
 */
export function isBackgroundRequest(request: Request): boolean {
  if (request.method === "HEAD" || isPrefetch(request) || request.headers.get("rsc") === "1") return true;
  const dest = request.headers.get("sec-fetch-dest");
  return dest !== null && dest !== "document" && !isFramed(request);
}

/** Loaded inside a frame (clickjacking); Streamlit refuses auth in embedded apps too. */
export function isFramed(request: Request): boolean {
  const dest = request.headers.get("sec-fetch-dest");
  return dest === "iframe" || dest === "frame" || dest === "embed" || dest === "object";
}

/**
 * True only with positive evidence that the request comes from the app's own pages or from the user (typed URL,
 * bookmark): `Sec-Fetch-Site`, else `Origin`, else `Referer`. Without any of them the answer is no.
 */
export function isSameOriginRequest(request: Request, origin: string): boolean {
  const site = request.headers.get("sec-fetch-site");
  if (site !== null) return site === "same-origin" || site === "none";
  const from = request.headers.get("origin") ?? request.headers.get("referer");
  if (from === null || from === "null") return false;
  try {
    return new URL(from).origin === origin;
  } catch {
    return false;
  }
}

/** Whether two paths name the same callback: a trailing slash does not count (Next may redirect it away first). */
export function sameCallbackPath(a: string, b: string): boolean {
  const trim = (path: string) => (path.length > 1 && path.endsWith("/") ? path.slice(0, -1) : path);
  return trim(a) === trim(b);
}
