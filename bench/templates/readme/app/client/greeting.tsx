"use client";

import { useUser } from "streamlit-auth-nextjs/client";

export function Greeting() {
  const user = useUser();
  return <pre data-testid="client-user">{JSON.stringify(user)}</pre>;
}
