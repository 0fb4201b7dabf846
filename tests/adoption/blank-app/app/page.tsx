import { getUser, login, logout } from "streamlit-auth-nextjs";
import { Greeting } from "./greeting";

export default async function Home() {
  const user = await getUser();
  return (
    <main>
      <h1>A blank Next.js app</h1>
      {user.is_logged_in ? (
        <>
          <p data-testid="hello">Hello, {user.name}!</p>
          <form action={logout}>
            <button>Log out</button>
          </form>
        </>
      ) : (
        <form action={login}>
          <button>Log in</button>
        </form>
      )}
      <Greeting />
    </main>
  );
}
