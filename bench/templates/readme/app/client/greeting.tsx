"use client";

import { useUser } from "@/lib/auth/client";

export function Greeting() {
  const user = useUser();
  return <pre data-testid="client-user">{JSON.stringify(user)}</pre>;
}
