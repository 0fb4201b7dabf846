export { auth as middleware } from "./auth";

// Auth.js's documented matcher: every path but the API routes and static files.
export const config = {
  matcher: ["/((?!api|_next/static|_next/image|favicon.ico).*)"],
};
