"use client";

/** Errors thrown while rendering or from a server action (e.g. login() with a broken config) end here. */
export default function ErrorPage({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <main>
      <section className="card" role="alert" data-testid="app-error">
        <h1>Something went wrong</h1>
        <p>{error.message || "The server could not complete the request."}</p>
        {error.digest ? <p className="muted">Reference: {error.digest} (the server log has the details)</p> : null}
        <div className="actions">
          <button type="button" onClick={reset}>
            Try again
          </button>
          {/* A full page load on purpose: it renders the start page afresh, even when the error happened there. Next
              puts the app's basePath in this variable when it compiles the app. */}
          <a href={`${process.env.__NEXT_ROUTER_BASEPATH ?? ""}/`}>Back to the start page</a>
        </div>
      </section>
    </main>
  );
}
