import "server-only";
import type { ReactNode } from "react";
import { UserProvider, type UserSeed } from "./client.js";
import { getUser } from "./server/get-user.js";
import { renderMode } from "./server/render-mode.js";

/**
 * Put this around `{children}` in the root layout: it hands the user's claims (never the tokens) to `useUser()` in
 * client components, without making any page dynamic. On a page rendered per request it reads the cookie and puts
 * the claims in the HTML (no request from the browser); under Cache Components it streams them in the same
 * response; on a static page it leaves them to the browser, which asks `GET /auth/user` once if anything calls
 * `useUser()`. See `renderMode()`.
 */
export async function AuthProvider({ children }: { children: ReactNode }) {
  return <UserProvider seed={await seedFor(renderMode())}>{children}</UserProvider>;
}

async function seedFor(mode: ReturnType<typeof renderMode>): Promise<UserSeed> {
  if (mode === "static") return {};
  const claims = getUser().then((user) => user.to_dict());
  return { user: mode === "request" ? await claims : claims };
}
