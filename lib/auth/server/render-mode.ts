import "server-only";
import { workAsyncStorage } from "next/dist/server/app-render/work-async-storage.external.js";
import { workUnitAsyncStorage } from "next/dist/server/app-render/work-unit-async-storage.external.js";

/**
 * How `<AuthProvider>` may learn the user in the current server render without changing how Next renders the route:
 *
 * - `"request"`: the route is rendered for this request anyway (a page that reads cookies, `force-dynamic`, a
 *   server action's render): read the cookie and hand the claims to the browser in the HTML;
 * - `"streamed"`: Cache Components (`cacheComponents: true`): hand over an unawaited promise, so the prerendered
 *   shell holds no user and the user streams in the same response at request time;
 * - `"static"`: anything else (`next build`'s prerender, an ISR or `revalidatePath()` regeneration at run time,
 *   `force-static`, a `"use cache"` scope): reading cookies would turn the route dynamic or fail, so the user is left
 *   to the browser, which asks `GET /auth/user` once.
 *
 * Next has no public API for this; its request-scope stores are read here, and anything unexpected (another Next
 * version) falls back to `"static"`, which costs one request and is never wrong.
 */
export type RenderMode = "request" | "streamed" | "static";

export function renderMode(): RenderMode {
  const work = workAsyncStorage.getStore();
  const unit = workUnitAsyncStorage.getStore();
  if (!work || !unit || work.forceStatic || work.dynamicShouldError) return "static";
  if (unit.type === "cache" || unit.type === "unstable-cache") return "static";
  if (work.cacheComponentsEnabled === true) return "streamed";
  return unit.type === "request" ? "request" : "static";
}
