"use client";

import { createContext, useContext, useMemo, type ReactNode } from "react";
import { createUser, type StandardClaims, type User } from "./user/user";

/**
 * `useUser()` for client components. The data is seeded by `<AuthProvider>` in the root layout from the server's
 * `getUser()`, so the first render makes no network request. Tokens never reach the browser.
 */

const UserContext = createContext<Record<string, unknown> | undefined>(undefined);

export function UserProvider({ user, children }: { user: Record<string, unknown>; children: ReactNode }) {
  return <UserContext.Provider value={user}>{children}</UserContext.Provider>;
}

export function useUser<Claims extends object = StandardClaims>(): User<Claims> {
  const data = useContext(UserContext);
  if (data === undefined) {
    throw new Error(
      'useUser() needs <AuthProvider> around the app: wrap {children} in app/layout.tsx with <AuthProvider> from "@/lib/auth".',
    );
  }
  return useMemo(() => createUser<Claims>(data), [data]);
}

export type { User, StandardClaims } from "./user/user";
