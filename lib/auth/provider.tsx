import type { ReactNode } from "react";
import { UserProvider } from "./client";
import { getUser } from "./server/get-user";

/**
 * Put this around `{children}` in the root layout: it reads the user on the server and hands the claims (never the
 * tokens) to `useUser()` in client components.
 */
export async function AuthProvider({ children }: { children: ReactNode }) {
  const user = await getUser();
  return <UserProvider user={user.to_dict()}>{children}</UserProvider>;
}
