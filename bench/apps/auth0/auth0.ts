import { Auth0Client } from "@auth0/nextjs-auth0/server";

export const auth0 = new Auth0Client({
  domain: "bench.example.auth0.com",
  clientId: "bench",
  clientSecret: "bench-client-secret",
  appBaseUrl: process.env["APP_BASE_URL"],
  secret: process.env["AUTH0_SECRET"],
});
