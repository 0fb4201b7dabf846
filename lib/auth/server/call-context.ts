import "server-only";
import { actionAsyncStorage } from "next/dist/server/app-render/action-async-storage.external.js";
import { workUnitAsyncStorage } from "next/dist/server/app-render/work-unit-async-storage.external.js";

/**
 * Where server code runs, as `requireUser()` must answer there:
 *
 * - `"page"`: rendering a page, layout or other server component (also the render that follows a server action),
 *   where a redirect is a navigation;
 * - `"action"`: the body of a server action, whose caller is a script waiting for a result;
 * - `"route"`: a route handler, whose caller may be a script too.
 *
 * Next has no public API for this; its request-scope stores say it (a route handler runs in an action store marked
 * `isAppRoute`; a request store is in its `"action"` phase while a server action's body runs, `"render"` after).
 * The unit tests pin these fields to the installed Next, so an upgrade that moves them fails there. With no stores at
 * all the answer is `"page"`, whose redirect to the login works in every context.
 */
export type CallContext = "page" | "action" | "route";

export function callContext(): CallContext {
  if (actionAsyncStorage.getStore()?.isAppRoute === true) return "route";
  const unit = workUnitAsyncStorage.getStore();
  return unit?.type === "request" && unit.phase === "action" ? "action" : "page";
}

/**
 * The app-relative path and query of the page being rendered (without the router's `_rsc` cache-busting parameter),
 * or undefined outside a request's render.
 */
export function renderedPath(): string | undefined {
  const unit = workUnitAsyncStorage.getStore();
  if (unit?.type !== "request") return undefined;
  const query = new URLSearchParams(unit.url.search);
  query.delete("_rsc");
  const search = query.toString();
  return unit.url.pathname + (search === "" ? "" : `?${search}`);
}
