import { deflateRawSync } from "node:zlib";
import { NextRequest } from "next/server";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { joinValue } from "@/lib/auth/cookie/chunks";
import { identityCookies } from "@/lib/auth/cookie/identity";
import { IDENTITY_MAX_AGE } from "@/lib/auth/cookie/names";
import { seal, unseal } from "@/lib/auth/cookie/seal";
import { authMiddleware, GateConfigError, type GateMatcher } from "@/lib/auth/middleware";
import { normalisePath, pathReadings } from "@/lib/auth/gate/path-readings";
import { testCookieHeader, testIdentityCookies } from "@/lib/auth/testing";
import type { User } from "@/lib/auth/user/user";

/** The gate's promise, one rule at a time: unit tests of the compiled middleware function (the e2e matrix runs the build). */

const SECRET = "gate-secret-0123456789-0123456789-abcdef";
const OLD = "gate-old-secret-0123456789-0123456789-ab";
const METADATA = "http://127.0.0.1:9/.well-known/openid-configuration";

function toml({ secrets = [SECRET], metadata = METADATA, second = true } = {}): string {
  return `
[auth]
redirect_uri = "http://localhost:3000/oauth2callback"
cookie_secret = [${secrets.map((s) => `"${s}"`).join(", ")}]
client_id = "app"
client_secret = "secret"
server_metadata_url = "${metadata}"
${
  second
    ? `
[auth.second]
client_id = "second"
client_secret = "secret"
server_metadata_url = "http://127.0.0.1:8/.well-known/openid-configuration"
redirect_uri = "http://localhost:3000/oauth2callback/second"`
    : ""
}
`;
}

async function identity(
  options: { provider?: string; loginTime?: number; secrets?: string[]; metadata?: string } = {},
): Promise<string> {
  const writes = await identityCookies(
    {
      claims: { sub: "ada", provider: options.provider ?? "default" },
      tokens: {},
      serverMetadataUrl: options.metadata ?? METADATA,
      loginTime: options.loginTime,
    },
    new Map(),
    { secrets: options.secrets ?? [SECRET], secure: false },
  );
  return writes.map((w) => `${w.name}=${w.value}`).join("; ");
}

const MATCHER: GateMatcher = [
  "/protected/:path*",
  "/members/:path*",
  { source: "/:path*", has: [{ type: "query", key: "state" }] },
];
const gate = authMiddleware({ matcher: MATCHER });

function request(path: string, init: { method?: string; headers?: Record<string, string> } = {}): NextRequest {
  return new NextRequest(`http://localhost:3000${path}`, init);
}
const passed = (response: Response) => response.headers.get("x-middleware-next") === "1";

let saved: string | undefined;
beforeEach(() => {
  saved = process.env["AUTH_SECRETS"];
  process.env["AUTH_SECRETS"] = toml();
});
afterEach(() => {
  vi.useRealTimers();
  if (saved === undefined) delete process.env["AUTH_SECRETS"];
  else process.env["AUTH_SECRETS"] = saved;
});

describe("methods and Next's headers", () => {
  it("gates GET and HEAD with a Next-Action header like any GET: sent to log in, never rendered", async () => {
    for (const method of ["GET", "HEAD"]) {
      const response = await gate(request("/protected", { method, headers: { "next-action": "x" } }));
      expect(response.status, method).toBe(307);
    }
  });

  it("answers 401 to PUT, DELETE, PATCH and OPTIONS with or without a Next-Action header", async () => {
    for (const method of ["PUT", "DELETE", "PATCH", "OPTIONS", "POST"]) {
      for (const headers of [{}, { "next-action": "x" }, { "next-router-prefetch": "1", rsc: "1" }] as Record<
        string,
        string
      >[]) {
        const response = await gate(request("/protected/api/data", { method, headers }));
        expect(response.status, `${method} ${JSON.stringify(headers)}`).toBe(401);
        expect(passed(response)).toBe(false);
      }
    }
  });

  it("ignores every internal header Next or a proxy might carry", async () => {
    const headers = {
      rsc: "1",
      "next-router-prefetch": "1",
      "next-router-state-tree": "%5B%5D",
      "next-url": "/",
      "x-middleware-prefetch": "1",
      "x-middleware-subrequest": "middleware:middleware:middleware:middleware:middleware",
      "x-nextjs-data": "1",
      "x-invoke-path": "/",
      "x-matched-path": "/",
      "x-forwarded-host": "evil.example",
      purpose: "prefetch",
    };
    const response = await gate(request("/protected", { headers }));
    expect(response.status).toBe(307);
  });

  it("marks its redirects and refusals private, no-store", async () => {
    const redirect = await gate(request("/protected"));
    const refusal = await gate(request("/protected", { method: "DELETE" }));
    expect(redirect.headers.get("cache-control")).toBe("private, no-store");
    expect(refusal.headers.get("cache-control")).toBe("private, no-store");
  });
});

describe("encodings and suffixes", () => {
  it("gates percent-encoded spellings of a protected prefix", async () => {
    for (const path of ["/%6dembers/handbook", "/%70rotected", "/prot%65cted/x", "/%6D%65mbers"]) {
      expect((await gate(request(path))).status, path).toBe(307);
    }
  });

  it("gates a path that cannot be decoded to one meaning", async () => {
    for (const path of ["/members%2Fhandbook", "/public%2f..%2fmembers", "/x/%zz", "/members%5cx", "/a%00b"]) {
      expect((await gate(request(path))).status, path).toBe(307);
    }
  });

  it("gates dot segments, doubled slashes and the App Router's transport suffixes", async () => {
    for (const path of [
      "/public/%2e%2e/members",
      "//members/x",
      "/protected.rsc",
      "/members/handbook.rsc",
      "/protected.segments/_tree.segment.rsc",
      "/protected/report.txt",
      "/protected/avatars/1.png",
      "/protected/",
    ]) {
      expect((await gate(request(path))).status, path).toBe(307);
    }
  });

  it("lets unprotected paths through, also with an authorization-response-looking query", async () => {
    for (const path of ["/", "/about", "/membership", "/protected-area", "/public/members", "/?state=CA"]) {
      const response = await gate(request(path));
      expect(passed(response), path).toBe(true);
    }
  });

  it("reads paths as the router may: raw, decoded, normalised, without transport suffixes", () => {
    expect(pathReadings("/%6dembers/a.rsc")).toEqual({
      readings: ["/%6dembers/a.rsc", "/%6dembers/a", "/members/a.rsc", "/members/a"],
      ambiguous: false,
    });
    expect(pathReadings("/a%2Fb").ambiguous).toBe(true);
    expect(pathReadings("/%E0%A4%A").ambiguous).toBe(true);
    expect(normalisePath("//a/./b/../c/")).toBe("/a/c/");
    expect(normalisePath("/../../x")).toBe("/x");
    expect(normalisePath("/")).toBe("/");
  });
});

describe("protected paths come from the matcher", () => {
  it("protects exactly the matcher's path entries (not the has-conditioned callback entry)", async () => {
    expect((await gate(request("/members"))).status).toBe(307);
    expect(passed(await gate(request("/elsewhere?state=x")))).toBe(true);
  });

  it("refuses to start when protect names a prefix the matcher does not send to the gate", () => {
    expect(() => authMiddleware({ matcher: MATCHER, protect: ["/admin"] })).toThrow(GateConfigError);
    expect(() => authMiddleware({ matcher: MATCHER, protect: ["/admin"] })).toThrow(/Add "\/admin\/:path\*"/);
    expect(() => authMiddleware({ matcher: ["/admin"], protect: ["/admin"] })).toThrow(/\/admin\/x/);
    expect(() => authMiddleware({ matcher: MATCHER, protect: ["/members", /^\/protected\/\d+$/] })).not.toThrow();
  });

  it("narrows the matcher with protect rules, tested on the decoded path", async () => {
    const narrow = authMiddleware({ matcher: MATCHER, protect: [/^\/protected\/\d+$/] });
    expect((await narrow(request("/protected/%34%32"))).status).toBe(307);
    expect(passed(await narrow(request("/protected/about")))).toBe(true);
  });

  it("never gates the auth routes, even when the matcher protects everything", async () => {
    const everything = authMiddleware({ matcher: ["/:path*"] });
    expect(passed(await everything(request("/auth/login?provider=x")))).toBe(true);
    expect((await everything(request("/auth/login/../../protected"))).status).toBe(307);
    expect((await everything(request("/auth/%2e%2e/protected"))).status).toBe(307);
  });
});

describe("the identity must still stand", () => {
  it("lets a current identity through", async () => {
    expect(passed(await gate(request("/protected", { headers: { cookie: await identity() } })))).toBe(true);
  });

  it("refuses an identity whose provider is no longer configured", async () => {
    const cookie = await identity({
      provider: "second",
      metadata: "http://127.0.0.1:8/.well-known/openid-configuration",
    });
    expect(passed(await gate(request("/protected", { headers: { cookie } })))).toBe(true);
    process.env["AUTH_SECRETS"] = toml({ second: false });
    expect((await gate(request("/protected", { headers: { cookie } }))).status).toBe(307);
  });

  it("refuses an identity whose provider now points at another metadata URL (another issuer)", async () => {
    const cookie = await identity();
    process.env["AUTH_SECRETS"] = toml({ metadata: "http://127.0.0.1:7/.well-known/openid-configuration" });
    expect((await gate(request("/protected", { headers: { cookie } }))).status).toBe(307);
  });

  it("ends a session at its login time plus the lifetime, whatever the seal says", async () => {
    const loginTime = Date.now() - IDENTITY_MAX_AGE * 1000 - 1000;
    const cookie = await identity({ loginTime }); // sealed just now, so the seal itself is valid for 30 days
    expect((await gate(request("/protected", { headers: { cookie } }))).status).toBe(307);
  });

  it("re-seals an old secret's identity keeping the login time, so rotation never extends a session", async () => {
    process.env["AUTH_SECRETS"] = toml({ secrets: [SECRET, OLD] });
    const loginTime = Date.now() - 29 * 86400 * 1000; // one day left
    const cookie = await identity({ secrets: [OLD], loginTime });
    const response = await gate(request("/protected", { headers: { cookie } }));
    expect(passed(response)).toBe(true);
    const written = response.headers.getSetCookie();
    expect(written).toHaveLength(1);
    const maxAge = Number(/Max-Age=(\d+)/.exec(written[0]!)![1]);
    expect(maxAge).toBeLessThanOrEqual(86400);
    expect(maxAge).toBeGreaterThan(86400 - 10);
    expect(response.headers.get("cache-control")).toBe("private, no-store");
    // The re-sealed cookie alone still ends on time.
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(Date.now() + 86400 * 1000 + 1000);
    const resealed = written[0]!.split(";")[0]!;
    expect((await gate(request("/protected", { headers: { cookie: resealed } }))).status).toBe(307);
  });
});

describe("a gate without its matcher", () => {
  it("says once, at its first request, that nothing checks the matcher against protect", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    try {
      const unchecked = authMiddleware({ protect: ["/protected"] });
      await unchecked(request("/protected"));
      await unchecked(request("/protected"));
      expect(warn).toHaveBeenCalledTimes(1);
      expect(String(warn.mock.calls[0]![0])).toContain("authMiddleware({ matcher: config.matcher })");
      warn.mockClear();
      await gate(request("/protected"));
      expect(warn).not.toHaveBeenCalled();
    } finally {
      warn.mockRestore();
    }
  });
});

describe("protect rules with allow conditions", () => {
  interface Claims {
    sub: string;
    email?: string;
    groups?: string[];
  }
  const inGroup = (group: string) => (user: User<Claims>) => user.groups?.includes(group) === true;
  const RULES_MATCHER: GateMatcher = ["/admin/:path*", "/members/:path*", "/protected/:path*"];
  const ruled = authMiddleware<Claims>({
    matcher: RULES_MATCHER,
    protect: [
      "/members",
      { path: "/admin", allow: inGroup("admins") },
      { path: "/admin/billing", allow: (user) => user.email?.endsWith("@example.com") === true },
      { path: /^\/protected\/staff$/, allow: inGroup("staff") },
    ],
  });
  const as = async (claims: Claims) =>
    testCookieHeader(await testIdentityCookies<Claims>(claims, { cookieSecret: SECRET }));

  it("lets a logged-in user through when the rule's condition holds, and refuses one it fails with a readable 403", async () => {
    const admin = await as({ sub: "ada", groups: ["admins"] });
    const other = await as({ sub: "bob", groups: ["staff"] });
    expect(passed(await ruled(request("/admin/users", { headers: { cookie: admin } })))).toBe(true);
    const refused = await ruled(request("/admin/users", { headers: { cookie: other } }));
    expect(refused.status).toBe(403);
    expect(refused.headers.get("cache-control")).toBe("private, no-store");
    expect(refused.headers.get("content-type")).toMatch(/^text\/html/);
    expect(await refused.text()).toContain("not allowed to see this page");
    expect(passed(await ruled(request("/members", { headers: { cookie: other } })))).toBe(true);
  });

  it("sends an anonymous visitor of a rule with a condition to log in, as any protected path", async () => {
    const response = await ruled(request("/admin"));
    expect(response.status).toBe(307);
    expect(new URL(response.headers.get("location")!).searchParams.get("returnTo")).toBe("/admin");
  });

  it("answers a refused server action 403 without rendering anything, and HEAD and other methods a bare 403", async () => {
    const cookie = await as({ sub: "bob" });
    const action = await ruled(request("/admin", { method: "POST", headers: { cookie, "next-action": "abc" } }));
    expect(action.status).toBe(403);
    expect(action.headers.get("content-type")).toMatch(/^text\/plain/);
    expect(action.headers.get("x-action-redirect")).toBeNull();
    expect(passed(action)).toBe(false);
    for (const method of ["HEAD", "DELETE", "PUT"]) {
      const response = await ruled(request("/admin/x", { method, headers: { cookie } }));
      expect(response.status, method).toBe(403);
      expect(response.headers.get("cache-control"), method).toBe("private, no-store");
    }
  });

  it("needs every matching rule's condition to hold (a nested rule adds to its parent's)", async () => {
    const adminElsewhere = await as({ sub: "ada", groups: ["admins"], email: "ada@elsewhere.org" });
    const adminHere = await as({ sub: "ada", groups: ["admins"], email: "ada@example.com" });
    const memberHere = await as({ sub: "bob", groups: [], email: "bob@example.com" });
    expect(passed(await ruled(request("/admin/billing", { headers: { cookie: adminHere } })))).toBe(true);
    expect((await ruled(request("/admin/billing", { headers: { cookie: adminElsewhere } }))).status).toBe(403);
    expect((await ruled(request("/admin/billing", { headers: { cookie: memberHere } }))).status).toBe(403);
    expect(passed(await ruled(request("/admin/users", { headers: { cookie: adminElsewhere } })))).toBe(true);
  });

  it("judges every reading of the path: encoded, dotted and RSC spellings of a ruled path meet its condition", async () => {
    const cookie = await as({ sub: "bob", groups: ["staff"] });
    for (const path of [
      "/%61dmin",
      "/adm%69n/users",
      "/members/../admin",
      "//admin/x",
      "/admin.rsc",
      "/admin/users.segments/_tree.segment.rsc",
      // A segment prefetch as Next's adapter hands it to the middleware (its .rsc dropped).
      "/admin.segments/_tree.segment",
      "/admin.segments/__PAGE__.segment",
      "/protected/st%61ff",
    ]) {
      const status = (await ruled(request(path, { headers: { cookie } }))).status;
      expect(status, path).toBe(path.includes("st%61ff") ? 200 : 403);
    }
    expect(passed(await ruled(request("/protected/st%61ff", { headers: { cookie } })))).toBe(true);
  });

  it("holds a path with no single reading to every condition of every rule", async () => {
    const staff = await as({ sub: "bob", groups: ["staff"] });
    const everything = await as({ sub: "ada", groups: ["admins", "staff"], email: "ada@example.com" });
    expect((await ruled(request("/members%2Fx", { headers: { cookie: staff } }))).status).toBe(403);
    expect(passed(await ruled(request("/members%2Fx", { headers: { cookie: everything } })))).toBe(true);
  });

  it("refuses (403, never a 500) when a condition throws, and says so in the log", async () => {
    const errors = vi.spyOn(console, "error").mockImplementation(() => {});
    const throwing = authMiddleware<Claims>({
      matcher: RULES_MATCHER,
      protect: [{ path: "/admin", allow: (user) => user.groups!.includes("admins") }],
    });
    const response = await throwing(request("/admin", { headers: { cookie: await as({ sub: "bob" }) } }));
    expect(response.status).toBe(403);
    expect(errors).toHaveBeenCalledWith(expect.stringContaining("allow condition"), expect.any(TypeError));
    errors.mockRestore();
  });

  it("inflates a compressed identity (300 groups) for a condition: a member passes, a large non-member gets 403", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    const groups = Array.from({ length: 300 }, (_, i) => `engineering-platform-group-${String(i).padStart(3, "0")}`);
    const compressed = async (claims: Claims) => {
      const cookies = await testIdentityCookies<Claims>(claims, { cookieSecret: SECRET });
      const opened = await unseal(joinValue("auth_user", new Map(cookies.map((c) => [c.name, c.value])))!, [SECRET]);
      expect(opened?.data, "stored compressed").toHaveProperty("z");
      expect(opened?.data).not.toHaveProperty("u");
      return testCookieHeader(cookies);
    };
    const member = await compressed({ sub: "ada", groups: [...groups, "admins"] });
    const outsider = await compressed({ sub: "bob", groups: [...groups, "staff"] });
    expect(passed(await ruled(request("/admin/users", { headers: { cookie: member } })))).toBe(true);
    expect((await ruled(request("/admin/users", { headers: { cookie: outsider } }))).status).toBe(403);
    expect(passed(await ruled(request("/protected/staff", { headers: { cookie: outsider } })))).toBe(true);
    expect(passed(await ruled(request("/members", { headers: { cookie: outsider } })))).toBe(true);
    expect(warn).not.toHaveBeenCalled();
    warn.mockRestore();
  });

  it("refuses (403, with a log line) a compressed identity whose claims cannot be read: over 16 KiB, or not deflate", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    // Sealed with the app's own secret by another writer: a valid session whose record the gate cannot read.
    const sealedRecord = async (z: string) =>
      `auth_user=${await seal({ v: 1, z, p: "default", lt: Date.now(), la: Date.now() }, [SECRET], IDENTITY_MAX_AGE)}`;
    const bomb = await sealedRecord(
      deflateRawSync(JSON.stringify({ c: { sub: "ada", groups: ["admins"], pad: "a".repeat(1 << 20) } })).toString(
        "base64url",
      ),
    );
    const garbage = await sealedRecord("bm90LWRlZmxhdGU");
    const fine = await sealedRecord(
      deflateRawSync(JSON.stringify({ c: { sub: "ada", groups: ["admins"] } })).toString("base64url"),
    );
    for (const cookie of [bomb, garbage]) {
      expect((await ruled(request("/admin", { headers: { cookie } }))).status).toBe(403);
      expect(passed(await ruled(request("/members", { headers: { cookie } })))).toBe(true);
    }
    expect(warn).toHaveBeenCalledWith(expect.stringContaining("could not be read"));
    expect(passed(await ruled(request("/admin", { headers: { cookie: fine } })))).toBe(true);
    warn.mockRestore();
  });

  it("checks that the matcher covers a rule's path, as for a plain prefix", () => {
    const rule = { path: "/billing", allow: () => true };
    expect(() => authMiddleware({ matcher: RULES_MATCHER, protect: [rule] })).toThrow(GateConfigError);
    expect(() => authMiddleware({ matcher: RULES_MATCHER, protect: [rule] })).toThrow(/Add "\/billing\/:path\*"/);
    expect(() =>
      authMiddleware({ matcher: RULES_MATCHER, protect: [{ path: "/admin/x", allow: () => true }] }),
    ).not.toThrow();
  });
});
