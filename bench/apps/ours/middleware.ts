import { authMiddleware } from "../_lib/auth/middleware";

// Every page is protected: each request's identity cookie is checked (a valid one lets the request through).
export default authMiddleware({ protect: ["/"] });

export const config = {
  matcher: ["/((?!_next/static|_next/image|favicon.ico).*)"],
};
