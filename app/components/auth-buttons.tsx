"use client";

import { useUser } from "streamlit-auth-nextjs/client";
import { SubmitButton } from "./submit-button";

type Action = (form: FormData) => Promise<never>;

/** Log in or Log out, whichever fits: the server actions, chosen in the browser by useUser(). */
export function AuthButtons({ login, logout }: { login: Action; logout: Action }) {
  const user = useUser();
  if (!("is_logged_in" in user)) return null;
  return user.is_logged_in ? (
    <form action={logout}>
      <SubmitButton className="secondary">Log out</SubmitButton>
    </form>
  ) : (
    <form action={login}>
      <SubmitButton>Log in</SubmitButton>
    </form>
  );
}
