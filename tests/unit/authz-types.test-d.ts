/**
 * Type tests, checked by `npm run typecheck` (tsc): conditions and requireUser() see the app's claim types.
 * Nothing here runs; a wrong type is a compile error, and each `@ts-expect-error` fails the check if it stops erring.
 */
import { expectTypeOf } from "vitest";
import { requireUser, type LoggedInUser, type User } from "streamlit-auth-nextjs";
import { authMiddleware, type ProtectRule } from "streamlit-auth-nextjs/middleware";

interface MyClaims {
  sub: string;
  email?: string;
  groups?: string[];
  roles?: readonly ("reader" | "writer")[];
}

export async function requireUserIsTyped(): Promise<void> {
  const user = await requireUser<MyClaims>({
    allow: (candidate) => {
      expectTypeOf(candidate).toEqualTypeOf<User<MyClaims>>();
      expectTypeOf(candidate.groups).toEqualTypeOf<string[] | undefined>();
      return candidate.roles?.includes("writer") === true;
    },
    maxAge: 300,
  });
  expectTypeOf(user).toEqualTypeOf<LoggedInUser<MyClaims>>();
  expectTypeOf(user).toExtend<User<MyClaims>>();
  expectTypeOf(user.is_logged_in).toEqualTypeOf<true>();
  expectTypeOf(user.sub).toEqualTypeOf<string>();
  expectTypeOf(user.groups).toEqualTypeOf<string[] | undefined>();

  // @ts-expect-error roles are "reader" | "writer"
  await requireUser<MyClaims>({ allow: (candidate) => candidate.roles?.includes("admin") === true });
  // @ts-expect-error allow returns a boolean
  await requireUser<MyClaims>({ allow: (candidate) => candidate.groups });
  // @ts-expect-error maxAge is in seconds, a number
  await requireUser({ maxAge: "5m" });

  const standard = await requireUser();
  expectTypeOf(standard.email).toEqualTypeOf<string | undefined>();
}

export const gate = authMiddleware<MyClaims>({
  protect: [
    "/members",
    {
      path: "/admin",
      allow: (user) => {
        expectTypeOf(user).toEqualTypeOf<User<MyClaims>>();
        return user.groups?.includes("admins") === true;
      },
    },
    // @ts-expect-error roles are "reader" | "writer"
    { path: /^\/reports\//, allow: (user) => user.roles?.includes("owner") === true },
  ],
});

export const rule: ProtectRule<MyClaims> = {
  path: "/billing",
  allow: (user) => user.email?.endsWith("@example.com") === true,
};
