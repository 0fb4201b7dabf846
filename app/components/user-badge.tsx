"use client";

import { useUser } from "streamlit-auth-nextjs/client";

/** Who is logged in, in one pill: a second useUser() on the static page, sharing the first one's request. */
export function UserBadge() {
  const user = useUser();
  if (!("is_logged_in" in user)) return <span className="pill off">Not configured</span>;
  return (
    <span className={`pill ${user.is_logged_in ? "on" : "off"}`} data-testid="user-badge">
      {user.is_logged_in ? `Logged in as ${user.name ?? user.sub}` : "Logged out"}
    </span>
  );
}
