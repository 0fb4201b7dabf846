import { handleCallback } from "../../../../_lib/auth/routes/callback";

// Reached through the middleware, which rewrites the callback path of redirect_uri here.
export const GET = handleCallback;
