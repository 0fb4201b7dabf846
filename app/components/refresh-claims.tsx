"use client";

import { useState, useTransition } from "react";
import { refreshUser } from "streamlit-auth-nextjs/actions";

/** Reads the user's claims again from the provider (refreshUser()); useUser() shows them without a reload. */
export function RefreshClaims() {
  const [pending, startTransition] = useTransition();
  const [status, setStatus] = useState("");
  return (
    <div className="actions">
      <button
        type="button"
        disabled={pending}
        aria-busy={pending}
        onClick={() =>
          startTransition(async () => {
            try {
              const user = await refreshUser();
              setStatus(user.is_logged_in ? "Claims refreshed." : "Not logged in.");
            } catch {
              setStatus("The provider could not refresh the claims; the old ones stay.");
            }
          })
        }
      >
        Refresh claims
      </button>
      <span className="muted small" data-testid="refresh-status">
        {status}
      </span>
    </div>
  );
}
