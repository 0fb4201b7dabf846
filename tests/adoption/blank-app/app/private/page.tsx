import { getUser } from "streamlit-auth-nextjs";

export default async function Private() {
  const user = await getUser();
  return <p data-testid="private">Private page for {user.is_logged_in ? user.sub : "nobody"}</p>;
}
