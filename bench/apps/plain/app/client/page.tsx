import { connection } from "next/server";
import { Greeting } from "./greeting";

// Rendered per request, as a page that reads the user on the server is: useUser() is then seeded by the layout.
export default async function Page() {
  await connection();
  return (
    <main>
      <a href="/auth/login">Log in</a>
      <Greeting />
    </main>
  );
}
