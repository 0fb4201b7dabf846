import { NextRequest } from "next/server";
import { afterEach, expect, it } from "vitest";
import { readIdentity } from "@/lib/auth/cookie/identity";
import { parseCookieHeader } from "@/lib/auth/cookie/serialize";
import { authMiddleware } from "@/lib/auth/middleware";
import { testCookieHeader, testIdentityCookies } from "@/lib/auth/testing";

const SECRET = "helper-test-cookie-secret-0123456789-abcd";

afterEach(() => {
  delete process.env["AUTH_SECRETS"];
});

it("mints a cookie that the app reads as that user, with Request headers (Vitest)", async () => {
  const cookies = await testIdentityCookies(
    { sub: "ada", email: "ada@example.test" },
    { cookieSecret: SECRET, provider: "google" },
  );
  expect(cookies).toHaveLength(1);
  expect(cookies[0]).toMatchObject({
    name: "auth_user",
    url: "http://localhost:3000",
    httpOnly: true,
    sameSite: "Lax",
    secure: false,
  });
  const identity = await readIdentity(parseCookieHeader(testCookieHeader(cookies)), {
    secrets: [SECRET],
    secure: false,
  });
  expect(identity?.claims).toEqual({ sub: "ada", email: "ada@example.test", provider: "google" });

  process.env["AUTH_SECRETS"] =
    `[auth]\nredirect_uri = "http://localhost:3000/oauth2callback"\ncookie_secret = "${SECRET}"\n` +
    `[auth.google]\nclient_id = "x"\nclient_secret = "y"\n` +
    `server_metadata_url = "https://accounts.google.com/.well-known/openid-configuration"\n`;
  const middleware = authMiddleware({ protect: ["/admin"] });
  const response = await middleware(
    new NextRequest("http://localhost:3000/admin", { headers: { cookie: testCookieHeader(cookies) } }),
  );
  expect(response.headers.get("x-middleware-next")).toBe("1");

  // The provider named by the helper must be configured in the app, as a real login's would be.
  const other = await testIdentityCookies({ sub: "ada" }, { cookieSecret: SECRET, provider: "okta" });
  const refused = await middleware(
    new NextRequest("http://localhost:3000/admin", { headers: { cookie: testCookieHeader(other) } }),
  );
  expect(refused.status).toBe(307);
});

it("uses the __Host- name and Secure for an https app", async () => {
  const [cookie] = await testIdentityCookies(
    { sub: "ada" },
    { cookieSecret: SECRET, url: "https://app.example/some/page" },
  );
  expect(cookie).toMatchObject({ name: "__Host-auth_user", url: "https://app.example", secure: true });
});
