// Reached through the middleware, which rewrites the callback path of redirect_uri (e.g. /oauth2callback) here.
export { GET } from "streamlit-auth-nextjs/routes/callback";
