import { Auth0Client } from "@auth0/nextjs-auth0/server";

// As nextjs-auth0's README: the client reads AUTH0_DOMAIN, AUTH0_CLIENT_ID, AUTH0_CLIENT_SECRET, AUTH0_SECRET and
// APP_BASE_URL from the environment (set by bench/run.mjs).
export const auth0 = new Auth0Client();
