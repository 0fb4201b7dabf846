import { NextRequest } from "next/server";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { identityCookies } from "@/lib/auth/cookie/identity";
import { IDENTITY_MAX_AGE } from "@/lib/auth/cookie/names";
import { authMiddleware, GateConfigError, type GateMatcher } from "@/lib/auth/middleware";
import { normalisePath, pathReadings } from "@/lib/auth/gate/path-readings";

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
