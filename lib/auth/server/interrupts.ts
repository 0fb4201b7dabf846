import "server-only";
import {
  HTTP_ERROR_FALLBACK_ERROR_CODE,
  isHTTPAccessFallbackError,
} from "next/dist/client/components/http-access-fallback/http-access-fallback.js";
// Their own files, as next/navigation's react-server entry re-exports them: `next/navigation.js` by its file name is
// the client entry, which a route handler's bundle cannot load.
import { forbidden } from "next/dist/client/components/forbidden.js";
import { unauthorized } from "next/dist/client/components/unauthorized.js";

/**
 * Next's `unauthorized()` (401) and `forbidden()` (403) render the app's `unauthorized.tsx` / `forbidden.tsx`, but only
 * when `experimental.authInterrupts` is set in next.config; otherwise they throw a plain Error (a 500). This throws
 * Next's interrupt when they are enabled and returns when they are not, so the caller can answer another way.
 */
export function interruptIfEnabled(status: 401 | 403): void {
  try {
    if (status === 401) unauthorized();
    else forbidden();
  } catch (error) {
    if (isHTTPAccessFallbackError(error)) throw error;
  }
}

/**
 * The error `unauthorized()` / `forbidden()` throw, for a route handler: Next's route module answers any such error
 * with a bare response of its status, whether or not `experimental.authInterrupts` is set (only the two functions
 * check the flag). Pages and actions get it only through {@link interruptIfEnabled}.
 */
export function routeHandlerInterrupt(status: 401 | 403): Error & { digest: string } {
  const digest = `${HTTP_ERROR_FALLBACK_ERROR_CODE};${status}`;
  return Object.assign(new Error(digest), { digest });
}
