import { Greeting } from "./greeting";

export default function Page() {
  return (
    <main>
      <a href="/auth/login">Log in</a>
      <Greeting />
    </main>
  );
}
