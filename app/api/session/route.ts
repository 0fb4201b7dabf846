import { createHash } from "node:crypto";
import { AccessTokenError, getAccessToken } from "streamlit-auth-nextjs";

/**
 * An API route that needs the user's access token, as one calling another API would. It answers with a fingerprint
 * of the token (never the token itself); `?force` asks for a refresh even if the token is still valid.
 */
export async function GET(request: Request) {
  const forceRefresh = new URL(request.url).searchParams.has("force");
  try {
    const token = await getAccessToken(undefined, { forceRefresh });
    return Response.json({ token: fingerprint(token) }, { headers: { "cache-control": "private, no-store" } });
  } catch (error) {
    if (!(error instanceof AccessTokenError)) throw error;
    const status = error.code === "PROVIDER_TIMEOUT" ? 504 : error.code.startsWith("PROVIDER") ? 502 : 401;
    return Response.json({ error: error.code, message: error.message }, { status });
  }
}

function fingerprint(token: string): string {
  return createHash("sha256").update(token).digest("hex").slice(0, 16);
}
