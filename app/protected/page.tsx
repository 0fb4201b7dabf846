import Link from "next/link";
import { getUser } from "@/lib/auth";
import { UserSummary } from "../components/user-summary";

export default async function Protected() {
  // The middleware already sent anonymous visitors to log in; getUser() checks the cookie again on its own.
  const user = await getUser();
  return (
    <main>
      <header className="top">
        <h1>Protected page</h1>
        <nav>
          <Link href="/">Home</Link>
        </nav>
      </header>
      <section className="card">
        <UserSummary user={user} />
        <p className="muted small">
          <code>middleware.ts</code> sends anonymous visitors of this page to log in first, and <code>getUser()</code>{" "}
          checks the cookie again here. The raw claims:
        </p>
        <pre data-testid="server-user">{JSON.stringify(user, null, 2)}</pre>
      </section>
    </main>
  );
}
