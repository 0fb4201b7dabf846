import { NextResponse, type NextRequest } from "next/server.js";
import { LOGIN_ROUTE } from "../config/base-path.js";
import { serializeCookie, type CookieWrite } from "../cookie/serialize.js";
import { htmlPage } from "../routes/respond.js";

/** The gate's answers. None may be stored by a shared cache: they depend on the visitor's cookie. */
const PRIVATE = "private, no-store";

/** Let the request through, writing cookies (a re-seal) on the way: such a response is never cached. */
export function passThrough(cookies: readonly CookieWrite[]): NextResponse {
  const response = NextResponse.next();
  if (cookies.length === 0) return response;
  for (const cookie of cookies) response.headers.append("set-cookie", serializeCookie(cookie));
  response.headers.set("cache-control", PRIVATE);
  return response;
}

/**
 * An anonymous visitor of a protected path: GET and HEAD go to log in and come back; a server action (POST with
 * `Next-Action`) gets a 401 whose `x-action-redirect` makes Next's client navigate to the login (a plain 3xx would be
 * followed by the action's fetch and lost); any other method gets a 401.
 */
export function refuseAnonymous(request: NextRequest): NextResponse {
  const url = request.nextUrl;
  const returnTo = url.pathname + url.search;
  const login = url.clone();
  login.pathname = LOGIN_ROUTE;
  login.search = "";
  login.searchParams.set("returnTo", returnTo);
  if (request.method === "GET" || request.method === "HEAD") {
    const response = NextResponse.redirect(login, 307);
    response.headers.set("cache-control", PRIVATE);
    return response;
  }
  const headers = new Headers({ "cache-control": PRIVATE, "content-type": "text/plain; charset=utf-8" });
  if (isServerAction(request)) {
    headers.set("x-action-redirect", `${url.basePath}${LOGIN_ROUTE}?${login.searchParams.toString()};push`);
  }
  return new NextResponse("Log in first.", { status: 401, headers });
}

/**
 * A logged-in user whom a protect rule's `allow` condition refuses: a small readable 403 page for GET (HEAD: the same
 * headers), a bare 403 for a server action (nothing of the page is rendered for it) and for any other method.
 */
export function refuseForbidden(request: NextRequest): NextResponse {
  if (request.method === "GET" || request.method === "HEAD") {
    const page = htmlPage(403, {
      title: "Access denied",
      message: "You are logged in, but your account is not allowed to see this page.",
    });
    return new NextResponse(request.method === "HEAD" ? null : page.body, { status: 403, headers: page.headers });
  }
  const headers = new Headers({ "cache-control": PRIVATE, "content-type": "text/plain; charset=utf-8" });
  return new NextResponse("Forbidden.", { status: 403, headers });
}

/** Only a POST carrying `Next-Action` is a server action; the header on any other method means nothing. */
export function isServerAction(request: NextRequest): boolean {
  return request.method === "POST" && request.headers.has("next-action");
}
