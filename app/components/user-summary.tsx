import type { User } from "@/lib/auth";

export function UserSummary({ user }: { user: User }) {
  if (!("is_logged_in" in user)) {
    return <p className="muted">Authentication is not configured: add a secrets.toml (see secrets.example.toml).</p>;
  }
  if (!user.is_logged_in) return <p className="muted">You are not logged in.</p>;
  return (
    <div className="who">
      {typeof user.picture === "string" && user.picture.startsWith("http") ? (
        // eslint-disable-next-line @next/next/no-img-element
        <img src={user.picture} alt="" />
      ) : null}
      <div>
        <div className="name" data-testid="user-name">
          {user.name ?? user.sub}
        </div>
        <div className="muted">{user.email}</div>
        <span className="badge" data-testid="user-provider">
          via {user.provider}
        </span>
      </div>
    </div>
  );
}
