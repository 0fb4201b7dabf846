import Link from "next/link";

/** Rendered with a 403 when requireUser({ allow }) refuses a logged-in user (Next's forbidden()). */
export default function Forbidden() {
  return (
    <main>
      <section className="card" role="alert" data-testid="forbidden">
        <h1>Access denied</h1>
        <p>You are logged in, but your account is not allowed to see this page.</p>
        <div className="actions">
          <Link href="/">Back to the start page</Link>
        </div>
      </section>
    </main>
  );
}
