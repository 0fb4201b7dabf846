import { Suspense } from "react";
import { login, logout } from "streamlit-auth-nextjs";
import { AuthButtons } from "../components/auth-buttons";
import { ClientUser } from "../components/client-user";
import { RefreshClaims } from "../components/refresh-claims";
import { SiteHeader } from "../components/site-header";
import { UserBadge } from "../components/user-badge";

/**
 * A page that never reads the user on the server: `next build` prerenders it once (○) and every visitor gets the same
 * HTML. Its client components still show who is logged in: the first useUser() asks GET /auth/user, once for all of
 * them, and each <Suspense> shows its fallback until the answer is there.
 */
export default function StaticPage() {
  return (
    <main>
      <SiteHeader title="A static page">
        Prerendered at build time, the same HTML for everyone; <code>useUser()</code> fills in the user in the browser.
      </SiteHeader>
      <section className="card">
        <div className="status">
          <Suspense fallback={<span className="pill off">…</span>}>
            <UserBadge />
          </Suspense>
          <Suspense fallback={null}>
            <AuthButtons login={login} logout={logout} />
          </Suspense>
        </div>
      </section>
      <section className="card">
        <h2>Client: useUser()</h2>
        <p className="muted small">
          This page does not call <code>getUser()</code>, so it stays static. The components that call{" "}
          <code>useUser()</code> share one request to <code>/auth/user</code> per page load (none when you come here
          from a page that read the user on the server), and suspend until it answers: their fallbacks are what the
          static HTML holds.
        </p>
        <Suspense fallback={<pre data-testid="client-user-pending">…</pre>}>
          <ClientUser />
        </Suspense>
        <RefreshClaims />
      </section>
    </main>
  );
}
