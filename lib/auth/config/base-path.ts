/**
 * The app's `basePath` from next.config. Next replaces `process.env.__NEXT_ROUTER_BASEPATH` with it in every bundle
 * it compiles (server, edge and client), the same value its own router uses; it is not a secret. Outside Next (unit
 * tests) it is read at call time, so a test can set it.
 *
 * Paths inside the library (`returnTo`, the auth routes) are app-relative, as in `redirect()` and `<Link>`; the base
 * path is added only where a full URL or an HTML link leaves the library.
 */
export function appBasePath(): string {
  const value = process.env.__NEXT_ROUTER_BASEPATH;
  return typeof value === "string" ? value : "";
}

/** `/auth/login` → `/docs/auth/login` under `basePath: "/docs"`. */
export function withBasePath(path: string, basePath = appBasePath()): string {
  return basePath + path;
}

/** The app-relative part of a full path, or undefined when the path lies outside the app's base path. */
export function withoutBasePath(path: string, basePath = appBasePath()): string | undefined {
  if (!basePath) return path;
  if (path === basePath) return "/";
  return path.startsWith(`${basePath}/`) ? path.slice(basePath.length) : undefined;
}

/** The library's own route handlers, app-relative. The app may have any other route under `/auth/`. */
export const LOGIN_ROUTE = "/auth/login";
export const CALLBACK_ROUTE = "/auth/callback";
export const LOGOUT_ROUTE = "/auth/logout";
/** The current user's claims as JSON, for `useUser()` on pages that were prerendered for everyone. */
export const USER_ROUTE = "/auth/user";
/** Sent by `useUser()` to the user route: a cross-site page cannot add it without a CORS preflight, which fails. */
export const USER_ROUTE_HEADER = "x-auth-user";
export const AUTH_ROUTES = [LOGIN_ROUTE, CALLBACK_ROUTE, LOGOUT_ROUTE, USER_ROUTE] as const;

export function isAuthRoute(pathname: string, routes: readonly string[] = AUTH_ROUTES): boolean {
  return routes.some((route) => pathname === route || pathname.startsWith(`${route}/`));
}
