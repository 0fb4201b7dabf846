import { getUser } from "streamlit-auth-nextjs";

export default async function Page() {
  const user = await getUser();
  return <p>hello {user.is_logged_in ? String(user.sub) : "nobody"}</p>;
}
