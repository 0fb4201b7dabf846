import type { NextRequest } from "next/server";
import { auth0 } from "./auth0";

// nextjs-auth0's documented middleware: mounts /auth/* and rolls the session (decrypt, re-encrypt, Set-Cookie).
export async function middleware(request: NextRequest) {
  return await auth0.middleware(request);
}

export const config = {
  matcher: ["/((?!_next/static|_next/image|favicon.ico).*)"],
};
