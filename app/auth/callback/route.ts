// Reached through the gate (proxy.ts or middleware.ts): it rewrites redirect_uri's path (e.g. /oauth2callback) here.
export { GET } from "streamlit-auth-nextjs/routes/callback";
