"use client";

// The same client component as the README app's, without useUser(): the baseline for the client JavaScript.
export function Greeting() {
  const user = {};
  return <pre data-testid="client-user">{JSON.stringify(user)}</pre>;
}
