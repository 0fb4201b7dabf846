import { NextRequest } from "next/server";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { identityCookies, readIdentity } from "@/lib/auth/cookie/identity";
import { serializeCookie, type CookieWrite } from "@/lib/auth/cookie/serialize";
import { authMiddleware } from "@/lib/auth/middleware";
import { ARRIVAL_PARAM, verifyArrival } from "@/lib/auth/routes/arrival";

const NEW = "new-secret-0123456789-0123456789-abcdef";
const OLD = "old-secret-0123456789-0123456789-abcdef";

function toml(secrets: string[]): string {
  return `
[auth]
redirect_uri = "http://localhost:3000/oauth2callback"
cookie_secret = [${secrets.map((s) => `"${s}"`).join(", ")}]
client_id = "app"
client_secret = "secret"
server_metadata_url = "http://127.0.0.1:9/.well-known/openid-configuration"

[auth.other]
client_id = "other"
client_secret = "secret"
server_metadata_url = "http://127.0.0.1:9/.well-known/openid-configuration"
redirect_uri = "http://localhost:3000/callbacks/other"
`;
}

async function cookieHeader(secrets: string[], sub = "alice"): Promise<string> {
  const writes = await identityCookies({ claims: { sub, provider: "default" }, tokens: {} }, new Map(), {
    secrets,
    secure: false,
  });
  return writes.map((w) => `${w.name}=${w.value}`).join("; ");
}

function setCookies(response: Response): string[] {
  return response.headers.getSetCookie();
}

const middleware = authMiddleware({ protect: ["/protected"] });
const call = (path: string, headers: Record<string, string> = {}) =>
  middleware(new NextRequest(`http://localhost:3000${path}`, { headers }));

let saved: string | undefined;
beforeEach(() => {
  saved = process.env["AUTH_SECRETS"];
  process.env["AUTH_SECRETS"] = toml([NEW, OLD]);
});
afterEach(() => {
  vi.useRealTimers();
  if (saved === undefined) delete process.env["AUTH_SECRETS"];
  else process.env["AUTH_SECRETS"] = saved;
});

describe("authMiddleware", () => {
  it("sends an anonymous visitor of a protected path to /auth/login with returnTo", async () => {
    const response = await call("/protected/page?x=1");
    expect(response.status).toBe(307);
    const location = new URL(response.headers.get("location")!);
    expect(location.pathname).toBe("/auth/login");
    expect(location.searchParams.get("returnTo")).toBe("/protected/page?x=1");
  });

  it("lets a valid identity through to a protected path", async () => {
    const response = await call("/protected", { cookie: await cookieHeader([NEW]) });
    expect(response.headers.get("x-middleware-next")).toBe("1");
    expect(setCookies(response)).toEqual([]);
  });

  it("treats a tampered, foreign or garbage cookie as anonymous", async () => {
    const valid = await cookieHeader([NEW]);
    const tampered = valid.slice(0, 40) + (valid[40] === "A" ? "B" : "A") + valid.slice(41);
    const foreign = await cookieHeader(["another-secret-0123456789-0123456789-xyz"]);
    for (const cookie of [
      tampered,
      foreign,
      "auth_user=garbage",
      "auth_user=Fe26.2*1*2*3*4*5*6*7~2",
      "auth_user=2~Fe26.2",
    ]) {
      const response = await call("/protected", { cookie });
      expect(response.status, cookie.slice(0, 30)).toBe(307);
    }
  });

  it("does not protect other paths and does not open the cookie there", async () => {
    const response = await call("/", { cookie: "auth_user=garbage" });
    expect(response.headers.get("x-middleware-next")).toBe("1");
  });

  it("answers an anonymous server action on a protected path with 401 and a login redirect for Next's client", async () => {
    const response = await middleware(
      new NextRequest("http://localhost:3000/protected?tab=2", { method: "POST", headers: { "next-action": "abc" } }),
    );
    expect(response.status).toBe(401);
    expect(response.headers.get("x-middleware-next")).toBeNull();
    expect(response.headers.get("x-action-redirect")).toBe("/auth/login?returnTo=%2Fprotected%3Ftab%3D2;push");
    expect(response.headers.get("cache-control")).toBe("private, no-store");
  });

  it("lets a logged-in user's server action through", async () => {
    const response = await middleware(
      new NextRequest("http://localhost:3000/protected", {
        method: "POST",
        headers: { "next-action": "abc", cookie: await cookieHeader([NEW]) },
      }),
    );
    expect(response.headers.get("x-middleware-next")).toBe("1");
  });

  it("answers 401 (not a redirect to a GET-only route) to an anonymous non-GET request on a protected path", async () => {
    const response = await middleware(new NextRequest("http://localhost:3000/protected/api", { method: "POST" }));
    expect(response.status).toBe(401);
  });

  it("re-seals a cookie sealed with an older secret with the newest, on any page, keeping its expiry", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(new Date("2026-01-01T00:00:00Z"));
    const cookie = await cookieHeader([OLD], "bob");
    vi.setSystemTime(new Date("2026-01-11T00:00:00Z")); // ten days later: twenty days left
    const response = await call("/", { cookie });
    const written = setCookies(response);
    expect(written).toHaveLength(1);
    const [name, value] = written[0]!.split(";")[0]!.split(/=(.*)/s) as [string, string];
    const jar = new Map([[name, value]]);
    const onlyNew = await readIdentity(jar, { secrets: [NEW], secure: false });
    expect(onlyNew?.claims["sub"]).toBe("bob");
    const maxAge = Number(/Max-Age=(\d+)/.exec(written[0]!)![1]);
    expect(maxAge).toBeGreaterThan(20 * 86400 - 5);
    expect(maxAge).toBeLessThanOrEqual(20 * 86400);
    vi.useRealTimers();
  });

  it("never re-seals on the auth routes (a logout must not be undone)", async () => {
    const response = await call("/auth/logout", { cookie: await cookieHeader([OLD]) });
    expect(setCookies(response)).toEqual([]);
  });

  it("routes every configured callback path to the callback route and records where it arrived, MACed", async () => {
    for (const path of ["/oauth2callback", "/callbacks/other"]) {
      const response = await call(`${path}?code=c&state=s`);
      const target = new URL(response.headers.get("x-middleware-rewrite")!);
      expect(target.pathname).toBe("/auth/callback");
      expect(target.searchParams.get("code")).toBe("c");
      const arrival = target.searchParams.get(ARRIVAL_PARAM);
      expect(await verifyArrival(arrival, "s", [NEW])).toBe(path);
      expect(await verifyArrival(arrival, "another-state", [NEW])).toBeUndefined();
      expect(await verifyArrival(arrival, "s", [OLD])).toBeUndefined();
      // No request header: Next drops those when it proxies a rewrite it sees as external.
      expect(response.headers.get("x-middleware-override-headers")).toBeNull();
    }
  });

  it("routes a callback path written with a trailing slash, which Next may have redirected away", async () => {
    process.env["AUTH_SECRETS"] = toml([NEW]).replace("/callbacks/other", "/callbacks/other/");
    const response = await call("/callbacks/other?code=c&state=s");
    expect(new URL(response.headers.get("x-middleware-rewrite")!).pathname).toBe("/auth/callback");
  });

  it("treats a callback at the app's root as the callback only when it carries an authorization response", async () => {
    process.env["AUTH_SECRETS"] = toml([NEW]).replace("http://localhost:3000/oauth2callback", "http://localhost:3000/");
    const response = await call("/?code=c&state=s");
    expect(new URL(response.headers.get("x-middleware-rewrite")!).pathname).toBe("/auth/callback");
    const home = await call("/");
    expect(home.headers.get("x-middleware-rewrite")).toBeNull();
    expect(home.headers.get("x-middleware-next")).toBe("1");
  });

  it("replaces an arrival parameter that came with the request", async () => {
    const response = await call(`/oauth2callback?code=c&state=s&${ARRIVAL_PARAM}=forged`);
    const target = new URL(response.headers.get("x-middleware-rewrite")!);
    expect(target.searchParams.getAll(ARRIVAL_PARAM)).toHaveLength(1);
    expect(await verifyArrival(target.searchParams.get(ARRIVAL_PARAM), "s", [NEW])).toBe("/oauth2callback");
  });

  it("treats the app's own routes under /auth/ like any other path", async () => {
    const gate = authMiddleware({ protect: ["/auth/account"] });
    const anonymous = await gate(new NextRequest("http://localhost:3000/auth/account"));
    expect(anonymous.status).toBe(307);
    expect(new URL(anonymous.headers.get("location")!).searchParams.get("returnTo")).toBe("/auth/account");
    const loggedIn = await gate(
      new NextRequest("http://localhost:3000/auth/account", { headers: { cookie: await cookieHeader([NEW]) } }),
    );
    expect(loggedIn.headers.get("x-middleware-next")).toBe("1");
    // A rotation re-seal happens there too: only the library's own routes manage the cookie themselves.
    const rotated = await call("/auth/profile", { cookie: await cookieHeader([OLD]) });
    expect(setCookies(rotated)).toHaveLength(1);
  });

  it("without any config, still protects (the login route explains what to configure)", async () => {
    delete process.env["AUTH_SECRETS"];
    const response = await call("/protected");
    expect(response.status).toBe(307);
  });

  it("survives 2,000 random and mutated cookie values: no exception, never let through", async () => {
    const valid = await cookieHeader([NEW]);
    let seed = 42;
    const random = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
    const alphabet = "Fe26.2*~0123456789abcdefABCDEF_-=;%\u0000\u00e9";
    for (let i = 0; i < 2000; i++) {
      let cookie: string;
      if (i % 2 === 0) {
        const chars = valid.split("");
        const at = 10 + Math.floor(random() * (chars.length - 10));
        chars[at] = alphabet[Math.floor(random() * alphabet.length)]!;
        cookie = chars.join("");
      } else {
        cookie = `auth_user=${Array.from({ length: Math.floor(random() * 300) }, () => alphabet[Math.floor(random() * alphabet.length)]).join("")}`;
      }
      if (cookie === valid) continue;
      const response = await call("/protected", { cookie: cookie.replace(/[\u0000]/g, "") });
      expect(response.status).toBe(307);
    }
  });
});

// Keeps the Set-Cookie helper honest against the header format the middleware writes.
describe("authMiddleware under a basePath", () => {
  const BASE = "/docs";
  const inBase = (path: string, headers: Record<string, string> = {}) =>
    middleware(new NextRequest(`http://localhost:3000${BASE}${path}`, { headers, nextConfig: { basePath: BASE } }));

  beforeEach(() => {
    process.env["__NEXT_ROUTER_BASEPATH"] = BASE;
    process.env["AUTH_SECRETS"] = toml([NEW]).replaceAll("http://localhost:3000/", `http://localhost:3000${BASE}/`);
  });
  afterEach(() => {
    delete process.env["__NEXT_ROUTER_BASEPATH"];
  });

  it("sends an anonymous visitor to the login route inside the base path, with an app-relative returnTo", async () => {
    const response = await inBase("/protected?x=1");
    expect(response.status).toBe(307);
    const location = new URL(response.headers.get("location")!);
    expect(location.pathname).toBe(`${BASE}/auth/login`);
    expect(location.searchParams.get("returnTo")).toBe("/protected?x=1");
  });

  it("lets a valid identity through", async () => {
    const response = await inBase("/protected", { cookie: await cookieHeader([NEW]) });
    expect(response.headers.get("x-middleware-next")).toBe("1");
  });

  it("routes the callback path (which includes the base path) to the callback route inside it", async () => {
    const response = await inBase("/oauth2callback?code=c&state=s");
    expect(new URL(response.headers.get("x-middleware-rewrite")!).pathname).toBe(`${BASE}/auth/callback`);
    const arrival = new URL(response.headers.get("x-middleware-rewrite")!).searchParams.get(ARRIVAL_PARAM);
    expect(await verifyArrival(arrival, "s", [NEW])).toBe(`${BASE}/oauth2callback`);
  });
});

it("serializeCookie output round-trips through Headers.getSetCookie", () => {
  const write: CookieWrite = { name: "auth_user", value: "v", secure: true, maxAge: 10 };
  const headers = new Headers();
  headers.append("set-cookie", serializeCookie(write));
  expect(headers.getSetCookie()).toEqual(["auth_user=v; Path=/; Max-Age=10; HttpOnly; SameSite=Lax; Secure"]);
});
