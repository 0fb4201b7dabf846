import { requireUser } from "streamlit-auth-nextjs";
import { SiteHeader } from "../components/site-header";
import { UserSummary } from "../components/user-summary";

/** The claims this page reads; the provider puts `groups` in the ID token (see docs/providers.md, Roles and groups). */
interface GroupClaims {
  sub: string;
  groups?: string[];
}

export default async function Admin() {
  // Anonymous visitors log in and come back; a logged-in user outside "admins" gets app/forbidden.tsx (403).
  const user = await requireUser<GroupClaims>({ allow: (u) => u.groups?.includes("admins") === true });
  return (
    <main>
      <SiteHeader title="Admin page" />
      <section className="card" data-testid="admin-page">
        <UserSummary user={user} />
        <p className="muted small">
          Only members of the <code>admins</code> group see this: <code>requireUser(&#123; allow &#125;)</code> checks
          the claims on every request, whatever the middleware does.
        </p>
      </section>
    </main>
  );
}
