import Link from "next/link";
import { getUser, login, loginUrl } from "streamlit-auth-nextjs";
import { SiteHeader } from "../components/site-header";
import { SubmitButton } from "../components/submit-button";
import { UserSummary } from "../components/user-summary";

export default async function Protected() {
  // The middleware already sent anonymous visitors to log in; getUser() checks the cookie again on its own.
  const user = await getUser();
  const provider = user.is_logged_in && typeof user.provider === "string" ? user.provider : "default";
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
        <div className="actions">
          {/* Step-up: max_age=0 makes the provider ask the user to sign in again, and the callback checks auth_time. */}
          <form action={login}>
            <input type="hidden" name="provider" value={provider} />
            <input type="hidden" name="max_age" value="0" />
            <input type="hidden" name="returnTo" value="/protected" />
            <SubmitButton>Confirm it&apos;s you</SubmitButton>
          </form>
          <Link href={loginUrl(provider, { prompt: "select_account", returnTo: "/protected" })}>
            Log in with another account
          </Link>
        </div>
      </section>
    </main>
  );
}
