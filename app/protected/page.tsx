import { getUser } from "streamlit-auth-nextjs";
import { SiteHeader } from "../components/site-header";
import { UserSummary } from "../components/user-summary";

export default async function Protected() {
  // The middleware already sent anonymous visitors to log in; getUser() checks the cookie again on its own.
  const user = await getUser();
  return (
    <main>
      <SiteHeader title="Protected page" />
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
