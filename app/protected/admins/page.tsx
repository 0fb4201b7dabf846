import { getUser } from "streamlit-auth-nextjs";
import { SiteHeader } from "../../components/site-header";
import { UserSummary } from "../../components/user-summary";

export default async function ProtectedAdmins() {
  // middleware.ts lets only members of "admins" reach this page (a protect rule with allow); others get its 403.
  const user = await getUser();
  return (
    <main>
      <SiteHeader title="Admins (gated)" />
      <section className="card" data-testid="gated-admins-page">
        <UserSummary user={user} />
      </section>
    </main>
  );
}
