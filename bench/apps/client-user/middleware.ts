import { authMiddleware } from "../_lib/auth/middleware";

export default authMiddleware({ protect: ["/protected"] });

export const config = {
  // As the demo app: every page path, so the callback path of redirect_uri (run-time config) is routed.
  matcher: ["/((?!_next/static|_next/image|favicon\\.ico|.*\\.(?:svg|png|jpe?g|gif|webp|avif|ico|css|js|map|txt|xml|woff2?)$).*)"],
};
