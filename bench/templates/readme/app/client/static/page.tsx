import { Suspense } from "react";
import { Greeting } from "../greeting";

// Never reads the user on the server, so it can stay static: useUser() may ask the server once per page load.
export default function Page() {
  return (
    <main>
      <a href="/auth/login">Log in</a>
      <Suspense fallback={<pre data-testid="client-user-pending">…</pre>}>
        <Greeting />
      </Suspense>
    </main>
  );
}
