import "server-only";
import { handleLogout } from "../routes/logout.js";

/**
 * `GET /auth/logout?returnTo=PATH`: logs out here (and at the provider when it has an `end_session_endpoint`), then
 * lands on `returnTo`. A request that cannot be shown to come from the app itself logs nobody out. The app's
 * `app/auth/logout/route.ts` is one line:
 *
 * ```ts
 * export { GET, POST } from "streamlit-auth-nextjs/routes/logout";
 * ```
 */
export const GET: (request: Request) => Promise<Response> = handleLogout;

/** `POST /auth/logout`: the same as {@link GET}, for a logout form posted without JavaScript. */
export const POST: (request: Request) => Promise<Response> = handleLogout;
