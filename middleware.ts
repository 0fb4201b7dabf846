import { authMiddleware } from "streamlit-auth-nextjs/middleware";

export const config = {
  matcher: [
    // Protected: every path listed here (and everything below it) needs a logged-in user. One edit protects a path.
    "/protected/:path*",
    // The login callback: requests that carry an authorization response, at whatever path redirect_uri names (it is
    // read at run time). Plain page requests never match these, so unprotected pages never pass through the gate.
    { source: "/:path*", has: [{ type: "query", key: "state" }] },
    { source: "/:path*", has: [{ type: "query", key: "code" }] },
    { source: "/:path*", has: [{ type: "query", key: "error" }] },
  ],
};

export default authMiddleware({ matcher: config.matcher });
