"use client";

import { useUser } from "@/lib/auth/client";

export function Greeting() {
  const user = useUser();
  return <p data-testid="greeting">{user.is_logged_in ? `Signed in as ${user.email}` : "Guest"}</p>;
}
