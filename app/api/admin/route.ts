import { requireUser } from "streamlit-auth-nextjs";

/** A route handler never redirects: 401 for an anonymous request, 403 outside "admins", else the caller's id. */
export async function GET() {
  const user = await requireUser<{ sub: string; groups?: string[] }>({
    allow: (u) => u.groups?.includes("admins") === true,
  });
  return Response.json({ sub: user.sub }, { headers: { "cache-control": "private, no-store" } });
}
