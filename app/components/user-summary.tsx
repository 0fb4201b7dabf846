import type { User } from "streamlit-auth-nextjs";

/** Who is logged in: picture (or initials), name, email, and the provider and issuer they logged in with. */
export function UserSummary({ user }: { user: User }) {
  if (!("is_logged_in" in user)) {
    return (
      <div className="status">
        <span className="pill off">Not configured</span>
        <p className="muted">
          Authentication is not configured: add a <code>secrets.toml</code> (see <code>secrets.example.toml</code>).
        </p>
      </div>
    );
  }
  if (!user.is_logged_in) {
    return (
      <div className="status">
        <span className="pill off">Logged out</span>
        <p className="muted">You are not logged in. Choose a provider below to log in.</p>
      </div>
    );
  }
  const name = typeof user.name === "string" && user.name ? user.name : user.sub;
  const picture = typeof user.picture === "string" && user.picture.startsWith("http") ? user.picture : undefined;
  const issuer = typeof user.iss === "string" ? user.iss : undefined;
  return (
    <div className="who">
      {picture ? (
        // A provider's picture URL can be on any host: a plain <img>, not next/image with a host allow-list.
        // eslint-disable-next-line @next/next/no-img-element
        <img className="avatar" src={picture} alt="" width={64} height={64} />
      ) : (
        <span className="avatar initials" aria-hidden="true">
          {initials(String(name ?? "?"))}
        </span>
      )}
      <div className="identity">
        <div className="name-row">
          <span className="name" data-testid="user-name">
            {name}
          </span>
          <span className="pill on">Logged in</span>
        </div>
        {typeof user.email === "string" ? <div className="email">{user.email}</div> : null}
        <div className="muted small">
          with provider{" "}
          <span className="badge" data-testid="user-provider">
            {user.provider}
          </span>
          {issuer ? <> at {issuer}</> : null}
        </div>
      </div>
    </div>
  );
}

function initials(name: string): string {
  const parts = name.split(/[\s._@-]+/).filter(Boolean);
  return (
    parts
      .slice(0, 2)
      .map((p) => p[0]?.toUpperCase() ?? "")
      .join("") || "?"
  );
}
