"use client";

import { useUser } from "streamlit-auth-nextjs/client";

export function Greeting() {
  const user = useUser();
  return <p data-testid="greeting">{user.is_logged_in ? `Signed in as ${user.email}` : "Guest"}</p>;
}
