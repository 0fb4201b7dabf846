import { createHash } from "node:crypto";
import Link from "next/link";
import { AccessTokenError, getAccessToken, getUser } from "streamlit-auth-nextjs";
import { ClientUser } from "../components/client-user";
import { RefreshClaims } from "../components/refresh-claims";

/** The session seen from a server component: the access token getAccessToken() gives here, and fresh claims. */
export default async function SessionPage() {
  const user = await getUser();
  let token: string;
  try {
    token = createHash("sha256")
      .update(await getAccessToken())
      .digest("hex")
      .slice(0, 16);
  } catch (error) {
    if (!(error instanceof AccessTokenError)) throw error;
    token = error.code;
  }
  return (
    <main>
      <header className="top">
        <h1>Session</h1>
        <nav>
          <Link href="/">Home</Link>
        </nav>
      </header>
      <section className="card">
        <h2>getAccessToken()</h2>
        <p className="muted small">
          A fingerprint of the access token this server component got (refreshed when it had expired; a server component
          cannot write cookies, so the next route handler or action stores the new one).
        </p>
        <pre data-testid="access-token">{token}</pre>
        <RefreshClaims />
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
