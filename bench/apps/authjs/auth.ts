import NextAuth from "next-auth";

// As Auth.js's Next.js guide: auth.ts exports handlers and auth; a JWT session (no database); the `authorized`
// callback decides what the middleware lets through (here: /protected needs a session). No providers: the bench
// never signs in through next-auth, it mints the session cookie with next-auth's own encode().
export const { handlers, auth } = NextAuth({
  providers: [],
  secret: process.env["AUTH_SECRET"],
  trustHost: true,
  session: { strategy: "jwt" },
  callbacks: {
    authorized: ({ auth, request }) => (request.nextUrl.pathname.startsWith("/protected") ? !!auth : true),
  },
});
