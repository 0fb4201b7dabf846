import { authMiddleware } from "@/lib/auth/middleware";

export default authMiddleware({ protect: ["/protected"] });

export const config = {
  // Everything but Next's own assets and static files: the callback path comes from run-time config, so the
  // middleware must see every page path to route it.
  matcher: [
    "/((?!_next/static|_next/image|favicon\\.ico|.*\\.(?:svg|png|jpe?g|gif|webp|avif|ico|css|js|map|txt|xml|woff2?)$).*)",
  ],
};
