export { GET } from "streamlit-auth-nextjs/routes/login";
