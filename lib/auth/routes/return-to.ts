import { isAuthRoute, withoutBasePath } from "../config/base-path.js";

/**
 * Where to land after login: a path on the app's own origin, else `/`. Anything absolute, protocol-relative
 * (`//host`), with backslashes or control characters, or pointing back at the login, callback or logout route
 * becomes `/`. The path is app-relative (without `basePath`), like the paths given to `redirect()`.
 */
export function safeReturnTo(raw: string | null | undefined, origin: string): string {
  if (!raw || raw.length > 2048 || !raw.startsWith("/") || raw.startsWith("//")) return "/";
  if (/[\u0000-\u001f\u007f\\]/.test(raw)) return "/";
  let url: URL;
  try {
    url = new URL(raw, origin);
  } catch {
    return "/";
  }
  if (url.origin !== origin || isAuthRoute(url.pathname) || url.pathname.startsWith("//")) return "/";
  return url.pathname + url.search + url.hash;
}

/**
 * The app-relative page a `Referer` names when it is a page of this app (same origin, inside `basePath`), else
 * undefined. The result still goes through {@link safeReturnTo}.
 */
export function refererPath(referer: string | null | undefined, origin: string): string | undefined {
  if (!referer) return undefined;
  try {
    const url = new URL(referer);
    if (url.origin !== origin) return undefined;
    const path = withoutBasePath(url.pathname);
    return path === undefined ? undefined : path + url.search;
  } catch {
    return undefined;
  }
}
