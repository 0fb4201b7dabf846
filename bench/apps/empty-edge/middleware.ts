import { NextResponse } from "next/server";

// An edge middleware (middleware.ts) that does nothing, on the README's matcher: the floor for the gate on a protected page.
export function middleware() {
  return NextResponse.next();
}

export const config = {
  matcher: [
    "/protected/:path*",
    { source: "/:path*", has: [{ type: "query", key: "state" }] },
    { source: "/:path*", has: [{ type: "query", key: "code" }] },
    { source: "/:path*", has: [{ type: "query", key: "error" }] },
  ],
};
