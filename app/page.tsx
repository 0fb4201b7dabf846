import { getLoginProviders, getUser, login, logout } from "streamlit-auth-nextjs";
import { ClientUser } from "./components/client-user";
import { SiteHeader } from "./components/site-header";
import { SubmitButton } from "./components/submit-button";
import { UserSummary } from "./components/user-summary";

export default async function Home() {
  const user = await getUser();
  const providers = await getLoginProviders();
  return (
    <main>
      <SiteHeader title="Streamlit-style login for Next.js">
        <code>login()</code>, <code>logout()</code>, <code>getUser()</code> and <code>useUser()</code> with any OpenID
        Connect provider.
      </SiteHeader>
      <section className="card">
        <UserSummary user={user} />
        <div className="actions">
          {providers.length ? (
            <div className="login-buttons">
              {providers.map((name) => (
                <form key={name} action={login}>
                  <input type="hidden" name="provider" value={name} />
                  <SubmitButton>{name === "default" ? "Log in" : `Log in with ${name}`}</SubmitButton>
                </form>
              ))}
            </div>
          ) : null}
          <form action={logout} className="logout">
            <SubmitButton className="secondary">Log out</SubmitButton>
          </form>
        </div>
      </section>

      <div className="grid">
        <section className="card">
          <h2>Server: getUser()</h2>
          <p className="muted small">What server components, route handlers and server actions see: the raw claims.</p>
          <pre data-testid="server-user">{JSON.stringify(user, null, 2)}</pre>
        </section>
        <section className="card">
          <h2>Client: useUser()</h2>
          <p className="muted small">
            What client components see: the same claims. This page reads the user on the server, so they came with the
            HTML: no request.
          </p>
          <ClientUser />
        </section>
      </div>
    </main>
  );
}
