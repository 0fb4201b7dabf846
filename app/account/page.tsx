import { requireUser } from "streamlit-auth-nextjs";
import { SiteHeader } from "../components/site-header";
import { UserSummary } from "../components/user-summary";

const FIVE_MINUTES = 5 * 60;

export default async function Account() {
  // Step-up: a login older than five minutes (or without auth_time) logs in again at the provider (max_age).
  const user = await requireUser({ maxAge: FIVE_MINUTES });
  return (
    <main>
      <SiteHeader title="Account settings" />
      <section className="card" data-testid="account-page">
        <UserSummary user={user} />
        <p className="muted small">
          This page asks for a login within the last five minutes: <code>requireUser(&#123; maxAge: 300 &#125;)</code>.
        </p>
      </section>
    </main>
  );
}
