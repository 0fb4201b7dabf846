import NextAuth from "next-auth";

// A JWT session and no providers: what the middleware does per request is decode (and re-encode) the session cookie.
export const { auth } = NextAuth({
  providers: [],
  secret: process.env["AUTH_SECRET"],
  trustHost: true,
  session: { strategy: "jwt" },
  callbacks: { authorized: ({ auth }) => !!auth },
});
