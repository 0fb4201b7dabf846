import "server-only";
import { handleUser } from "../routes/user.js";

/**
 * `GET /auth/user`: the current user's claims as JSON (never the tokens), which `useUser()` asks for on pages that
 * were prerendered for everyone; only the app's own pages get an answer. The app's `app/auth/user/route.ts` is one
 * line:
 *
 * ```ts
 * export { GET } from "streamlit-auth-nextjs/routes/user";
 * ```
 */
export const GET: (request: Request) => Promise<Response> = handleUser;
