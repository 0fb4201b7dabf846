import { Suspense } from "react";
import { Greeting } from "../greeting";

// A page that reads nothing per request: next build prerenders it, with or without the library.
export default function About() {
  return (
    <main>
      <h1>About this app</h1>
      <p>The same HTML for every visitor.</p>
      <Suspense fallback={<p data-testid="greeting-pending">…</p>}>
        <Greeting />
      </Suspense>
    </main>
  );
}
