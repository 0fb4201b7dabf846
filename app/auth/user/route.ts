// The user's claims for useUser() on static pages (never the tokens).
export { GET } from "streamlit-auth-nextjs/routes/user";
