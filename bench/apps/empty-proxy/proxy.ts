import { NextResponse } from "next/server";

// A proxy.ts (Node.js runtime) that does nothing, on the README's matcher: the floor for the gate on a protected page.
export function proxy() {
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
