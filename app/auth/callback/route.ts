import { handleCallback } from "@/lib/auth/routes/callback";

// Reached through the middleware, which rewrites the callback path of redirect_uri (e.g. /oauth2callback) here.
export const GET = handleCallback;
