import { getUser } from "streamlit-auth-nextjs";
import { Greeting } from "./greeting";

// Rendered per request (it reads the user on the server): useUser() below must need no request of its own.
export default async function Page() {
  const user = await getUser();
  return (
    <main>
      <a href="/auth/login">{user.is_logged_in ? "Logged in" : "Log in"}</a>
      <Greeting />
    </main>
  );
}
