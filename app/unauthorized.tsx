import Link from "next/link";

/** Rendered with a 401 when a server action calls requireUser() without a logged-in user (Next's unauthorized()). */
export default function Unauthorized() {
  return (
    <main>
      <section className="card" role="alert" data-testid="unauthorized">
        <h1>Log in first</h1>
        <p>This needs a logged-in user, or a more recent login.</p>
        <div className="actions">
          <Link href="/">Back to the start page</Link>
        </div>
      </section>
    </main>
  );
}
