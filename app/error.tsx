"use client";

import Link from "next/link";

/** Errors thrown while rendering or from a server action (e.g. login() with a broken config) end here. */
export default function ErrorPage({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <main>
      <section className="card" role="alert" data-testid="app-error">
        <h1>Something went wrong</h1>
        <p>{error.message || "The server could not complete the request."}</p>
        {error.digest ? <p className="muted">Reference: {error.digest} (the server log has the details)</p> : null}
        <div className="actions">
          <button type="button" onClick={reset}>Try again</button>
          <Link href="/" prefetch={false}>Back to the start page</Link>
        </div>
      </section>
    </main>
  );
}
