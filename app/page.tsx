import Link from "next/link";
import { getLoginProviders, getUser, login, logout } from "@/lib/auth";
import { ClientUser } from "./components/client-user";
import { SubmitButton } from "./components/submit-button";
import { UserSummary } from "./components/user-summary";

export default async function Home() {
  const user = await getUser();
  const providers = await getLoginProviders();
  return (
    <main>
      <header className="top">
        <h1>Streamlit-style login for Next.js</h1>
        <nav>
          <Link href="/">Home</Link>
          <a href="/protected">Protected page</a>
        </nav>
      </header>

      <section className="card">
        <UserSummary user={user} />
        <div className="actions">
          {providers.map((name) => (
            <form key={name} action={login}>
              <input type="hidden" name="provider" value={name} />
              <SubmitButton>{name === "default" ? "Log in" : `Log in with ${name}`}</SubmitButton>
            </form>
          ))}
          <form action={logout}>
            <SubmitButton className="secondary">Log out</SubmitButton>
          </form>
        </div>
      </section>

      <div className="grid">
        <section className="card">
          <h2>Server: getUser()</h2>
          <pre data-testid="server-user">{JSON.stringify(user, null, 2)}</pre>
        </section>
        <section className="card">
          <h2>Client: useUser()</h2>
          <ClientUser />
        </section>
      </div>
    </main>
  );
}
