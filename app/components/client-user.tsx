"use client";

import { useUser } from "streamlit-auth-nextjs/client";

/** What a client component sees: the same claims as getUser(), from useUser(). */
export function ClientUser() {
  const user = useUser();
  return <pre data-testid="client-user">{JSON.stringify(user, null, 2)}</pre>;
}
