import { NextResponse, type NextRequest } from "next/server";
import { auth0 } from "./lib/auth0";

// nextjs-auth0's README for Next.js 16: proxy.ts (Node.js runtime) on every path, which mounts /auth/* and rolls the
// session; protection as its EXAMPLES.md shows for middleware, limited to /protected like the other setups.
export async function proxy(request: NextRequest) {
  const authRes = await auth0.middleware(request);
  if (request.nextUrl.pathname.startsWith("/auth")) return authRes;
  if (request.nextUrl.pathname.startsWith("/protected")) {
    const session = await auth0.getSession(request);
    if (!session) return NextResponse.redirect(new URL("/auth/login", request.nextUrl.origin));
  }
  return authRes;
}

export const config = {
  matcher: ["/((?!_next/static|_next/image|favicon.ico|sitemap.xml|robots.txt).*)"],
};
