export { GET, POST } from "streamlit-auth-nextjs/routes/logout";
