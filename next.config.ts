import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // Lets requireUser() answer with Next's forbidden() / unauthorized(): a 403 / 401 with app/forbidden.tsx and
  // app/unauthorized.tsx.
  experimental: { authInterrupts: true },
};

export default nextConfig;
