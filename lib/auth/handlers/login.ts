import "server-only";
import { handleLogin } from "../routes/login.js";

/**
 * `GET /auth/login?provider=NAME&returnTo=PATH`: starts the login with the named provider (the default one without
 * `provider`) and comes back to `returnTo`. The app's `app/auth/login/route.ts` is one line:
 *
 * ```ts
 * export { GET } from "streamlit-auth-nextjs/routes/login";
 * ```
 */
export const GET: (request: Request) => Promise<Response> = handleLogin;
