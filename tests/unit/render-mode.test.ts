import { AsyncLocalStorage } from "node:async_hooks";
import type { WorkStore } from "next/dist/server/app-render/work-async-storage.external";
import type { WorkUnitStore } from "next/dist/server/app-render/work-unit-async-storage.external";
import { describe, expect, it } from "vitest";

// Next's server installs this global before any request scope is created; so does this test.
globalThis.AsyncLocalStorage = AsyncLocalStorage;
const { workAsyncStorage } = await import("next/dist/server/app-render/work-async-storage.external");
const { workUnitAsyncStorage } = await import("next/dist/server/app-render/work-unit-async-storage.external");
const { renderMode } = await import("@/lib/auth/server/render-mode");

/**
 * `<AuthProvider>` reads the cookie only when Next renders the route per request anyway. These are the same stores
 * Next's own `cookies()` looks at (a Next upgrade that moves them fails here, not in a user's build).
 */

type Work = Pick<WorkStore, "cacheComponentsEnabled" | "forceStatic" | "dynamicShouldError">;

function modeIn(unitType: WorkUnitStore["type"] | undefined, work: Partial<Work> = {}) {
  const workStore = { cacheComponentsEnabled: false, ...work } as WorkStore;
  const inUnit = () =>
    unitType ? workUnitAsyncStorage.run({ type: unitType } as WorkUnitStore, renderMode) : renderMode();
  return workAsyncStorage.run(workStore, inUnit);
}

describe("renderMode", () => {
  it("reads the cookie in a render that is per request anyway", () => {
    expect(modeIn("request")).toBe("request");
  });

  it.each(["prerender-legacy", "cache", "unstable-cache"] as const)(
    "leaves the user to the browser in a %s render (build, ISR, revalidatePath, use cache)",
    (type) => {
      expect(modeIn(type)).toBe("static");
    },
  );

  it("leaves the user to the browser on force-static and dynamic = 'error' pages, even per request (next dev)", () => {
    expect(modeIn("request", { forceStatic: true })).toBe("static");
    expect(modeIn("request", { dynamicShouldError: true })).toBe("static");
  });

  it.each(["prerender", "prerender-runtime", "request"] as const)(
    "streams the user under Cache Components (%s)",
    (type) => {
      expect(modeIn(type, { cacheComponentsEnabled: true })).toBe("streamed");
    },
  );

  it("leaves the user to the browser outside any render (no request scope)", () => {
    expect(renderMode()).toBe("static");
    expect(modeIn(undefined)).toBe("static");
  });
});
