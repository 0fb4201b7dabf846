import "server-only";
import { handleCallback } from "../routes/callback.js";

/**
 * The login callback. The provider sends the browser back to the path of `redirect_uri` (any path, read at run time);
 * the middleware rewrites that request here, where the authorization response is checked and the user logged in. The
 * app's `app/auth/callback/route.ts` is one line:
 *
 * ```ts
 * export { GET } from "streamlit-auth-nextjs/routes/callback";
 * ```
 */
export const GET: (request: Request) => Promise<Response> = handleCallback;
