"use client";

import { AppRouterContext } from "next/dist/shared/lib/app-router-context.shared-runtime.js";
import { createContext, use, useContext, useEffect, useMemo, type ReactNode } from "react";
import { USER_ROUTE, USER_ROUTE_HEADER, withBasePath } from "./config/base-path.js";
import { UseUserError, UseUserErrorCode } from "./user/use-user-error.js";
import { createUser, type StandardClaims, type User } from "./user/user.js";

type PlainClaims = Record<string, unknown>;

/**
 * What a server render of the root layout knew: the claims, a promise of them (streamed), or nothing (a static
 * page). Every render of the layout (page load, `router.refresh()`, a server action) gives a new seed object.
 * @internal
 */
export interface UserSeed {
  user?: PlainClaims | PromiseLike<PlainClaims>;
}

const SeedContext = createContext<UserSeed | undefined>(undefined);
/** One request per seed, shared by every component that asks. */
const requested = new WeakMap<UserSeed, Promise<PlainClaims>>();
/** This tab's user as last seen (JSON), compared with what the other tabs of the app see. */
let known: string | undefined;
/** The app's tabs in this browser, opened by the first <UserProvider> that mounts. */
let tabs: BroadcastChannel | undefined;

function learn(claims: PlainClaims) {
  const text = JSON.stringify(claims);
  if (text === known) return;
  known = text;
  tabs?.postMessage(text);
}

async function requestUser(): Promise<PlainClaims> {
  const response = await fetch(withBasePath(USER_ROUTE), { headers: { [USER_ROUTE_HEADER]: "1" } });
  if (!response.ok) {
    throw new UseUserError(
      UseUserErrorCode.USER_REQUEST_FAILED,
      `useUser(): GET ${USER_ROUTE} answered ${response.status}`,
    );
  }
  const claims = (await response.json()) as PlainClaims;
  learn(claims);
  return claims;
}

/**
 * `<AuthProvider>` renders it with the seed of its server render.
 * @internal
 */
export function UserProvider({ seed, children }: { seed: UserSeed; children: ReactNode }) {
  // What next/navigation's useRouter() reads, without the rest of next/navigation in this component's browser chunk.
  const router = useContext(AppRouterContext);
  useEffect(() => {
    if (!tabs) {
      tabs = new BroadcastChannel("auth:user");
      if (known !== undefined) tabs.postMessage(known);
    }
    Promise.resolve(seed.user ?? requested.get(seed)).then(
      (claims) => claims && learn(claims),
      () => undefined,
    );
    // Another tab logged in or out: render again from the server (on a static page, the new seed asks again).
    tabs.onmessage = (event) => {
      if (known !== undefined && event.data !== known) router?.refresh();
    };
  }, [seed, router]);
  return <SeedContext value={seed}>{children}</SeedContext>;
}

/**
 * `useUser()` for client components. Tokens never reach the browser.
 *
 * Where the user comes from depends on how the server rendered the page (see `<AuthProvider>`): a page rendered per
 * request hands the claims over in its HTML (no request); under Cache Components they stream in the same response;
 * a static page, prerendered for everyone, leaves them to the browser: the first `useUser()` asks `GET /auth/user`,
 * once for all components. Until the user is known, `useUser()` suspends (React's `use()`), so
 * `user.is_logged_in` is never a guess: on static pages, put the component inside `<Suspense>`.
 */
export function useUser<Claims extends object = StandardClaims>(): User<Claims> {
  const seed = use(SeedContext);
  if (!seed) {
    // The fix in development and in the server's log; the browser's production bundle keeps only the problem.
    throw new UseUserError(
      UseUserErrorCode.NO_AUTH_PROVIDER,
      process.env.NODE_ENV !== "production" || process.env.NEXT_RUNTIME
        ? 'useUser() needs <AuthProvider> around the app: wrap {children} in app/layout.tsx with <AuthProvider> from "streamlit-auth-nextjs".'
        : "useUser() needs <AuthProvider> around the app",
    );
  }
  let claims = seed.user;
  if (!claims) {
    // Next sets NEXT_RUNTIME to "" in browser bundles, so this branch (and its message) is left out of them.
    if (process.env.NEXT_RUNTIME !== "" && typeof window === "undefined") {
      // A static page is prerendered for everyone: the nearest <Suspense> is rendered in the browser instead.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { browser } = require("react-dom") as typeof import("react-dom");
      use(
        browser(
          "useUser() on a page prerendered as static HTML: the user is only known in the browser. Wrap the component in <Suspense> (its fallback is what the HTML shows), or read the user on the server with getUser() so the page renders per request.",
        ),
      );
    }
    claims = requested.get(seed);
    if (!claims) requested.set(seed, (claims = requestUser()));
  }
  // A claim is JSON, never a function: only a promise has a callable `then`.
  const data =
    typeof (claims as PromiseLike<PlainClaims>).then === "function"
      ? use(claims as PromiseLike<PlainClaims>)
      : (claims as PlainClaims);
  return useMemo(() => createUser<Claims>(data), [data]);
}

export { AuthError } from "./errors/auth-error.js";
export { UseUserError, UseUserErrorCode } from "./user/use-user-error.js";
export type { User, UserData, StandardClaims } from "./user/user.js";
