import { request as httpRequest } from "node:http";
import { expect, test } from "@playwright/test";
import { testCookieHeader, testIdentityCookies } from "streamlit-auth-nextjs/testing";
import { APP_PORT, APP_URL, BASE_PATH, COOKIE_SECRET, GATE } from "./variant";

/**
 * The gate's promise, against a real build: pages and route handlers under protected prefixes that never call
 * getUser() (tests/gate/fixtures) are never served to an anonymous request, whatever its method, Next-internal
 * headers, percent-encoding, suffix or trailing slash. Requests are sent raw (node:http), byte for byte as written.
 */

const MARKER = "GATE-FIXTURE";

/** Canonical paths of the fixtures, app-relative. */
const TARGETS = [
  "/protected/static",
  "/protected/ada",
  "/protected/api/data",
  "/protected/docs/report.txt",
  "/protected/avatars/1.png",
  "/protected/secret.txt",
  "/members/handbook",
];

/** Every spelling of a path that a router, a proxy or a browser could read as the same page. */
function spellings(path: string): string[] {
  const [, first = "", ...rest] = path.split("/");
  const tail = rest.length ? `/${rest.join("/")}` : "";
  const encode = (text: string, upper: boolean) =>
    [...text].map((c) => `%${c.charCodeAt(0).toString(16)[upper ? "toUpperCase" : "toLowerCase"]()}`).join("");
  return [
    path,
    `${path}/`,
    `${path}?x=1`,
    `${path}?state=s&code=c`,
    `/${encode(first[0]!, false)}${first.slice(1)}${tail}`,
    `/${encode(first, true)}${tail}`,
    `/${first}${tail.replace(/[a-z]/, (c) => encode(c, false))}`,
    `//${first}${tail}`,
    `/./${first}${tail}`,
    `/elsewhere/../${first}${tail}`,
    `/elsewhere/%2e%2e/${first}${tail}`,
    `/${first}${tail.replace("/", "%2F")}`,
    `/${first}${tail.replace("/", "%2f")}/`,
    `${path}.rsc`,
    `${path}.segments/_tree.segment.rsc`,
    `${path}%00`,
    `${path}/%zz`,
  ];
}

const METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"];
const HEADER_SETS: Array<Record<string, string>> = [
  {},
  { "next-action": "7f00000000000000000000000000000000000000" },
  { rsc: "1", "next-router-prefetch": "1", "next-router-state-tree": "%5B%22%22%5D" },
  { "x-middleware-subrequest": "middleware:middleware:middleware:middleware:middleware" },
  { "x-middleware-subrequest": "src/middleware:src/middleware:src/middleware:src/middleware:src/middleware" },
  { "x-middleware-prefetch": "1", purpose: "prefetch", "sec-purpose": "prefetch" },
  { "x-nextjs-data": "1", "x-invoke-path": "/", "x-matched-path": "/" },
  { "x-forwarded-host": "evil.example", "x-forwarded-proto": "https", "x-original-url": "/" },
];

interface Answer {
  status: number;
  location: string | undefined;
  body: string;
}

function send(path: string, method: string, headers: Record<string, string>): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: "localhost", port: APP_PORT, path: BASE_PATH + path, method, headers, timeout: 10_000 },
      (res) => {
        let body = "";
        res.setEncoding("latin1");
        res.on("data", (chunk: string) => (body += chunk));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, location: res.headers.location, body }));
      },
    );
    req.on("timeout", () => req.destroy(new Error(`timeout: ${method} ${path}`)));
    req.on("error", reject);
    req.end(method === "POST" || method === "PUT" || method === "PATCH" ? "[]" : undefined);
  });
}

/** Runs `jobs` at most `width` at a time. */
async function inParallel<T>(jobs: Array<() => Promise<T>>, width = 8): Promise<T[]> {
  const results: T[] = new Array(jobs.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < jobs.length) {
        const index = next++;
        results[index] = await jobs[index]!();
      }
    }),
  );
  return results;
}

test.describe(`the gate holds for routes that rely on it alone (${GATE}, basePath "${BASE_PATH}")`, () => {
  test.describe.configure({ timeout: 240_000 });

  test("a logged-in user gets every fixture (so the refusals below mean something)", async () => {
    const cookie = testCookieHeader(await testIdentityCookies({ sub: "ada" }, { cookieSecret: COOKIE_SECRET }));
    for (const path of TARGETS) {
      const answer = await send(path, "GET", { cookie });
      expect(answer.status, path).toBe(200);
      expect(answer.body, path).toContain(MARKER);
    }
  });

  test("anonymous GETs of the canonical paths are sent to log in and come back to the same path", async () => {
    for (const path of TARGETS) {
      const answer = await send(path, "GET", {});
      expect(answer.status, path).toBe(307);
      const location = new URL(answer.location!, "http://localhost");
      expect(location.pathname).toBe(`${BASE_PATH}/auth/login`);
      expect(location.searchParams.get("returnTo")).toBe(path);
    }
  });

  test("no method, header set, encoding, suffix or trailing slash serves a fixture to an anonymous request", async () => {
    const jobs: Array<() => Promise<string | undefined>> = [];
    for (const target of TARGETS) {
      for (const path of spellings(target)) {
        for (const method of METHODS) {
          for (const headers of method === "GET" ? HEADER_SETS : HEADER_SETS.slice(0, 2)) {
            jobs.push(async () => {
              const answer = await send(path, method, headers);
              const served = (answer.status >= 200 && answer.status < 300) || answer.body.includes(MARKER);
              return served
                ? `${method} ${path} ${JSON.stringify(headers)} -> ${answer.status} ${answer.body.slice(0, 80)}`
                : undefined;
            });
          }
        }
      }
    }
    const leaks = (await inParallel(jobs)).filter((leak) => leak !== undefined);
    expect(jobs.length).toBeGreaterThan(1000);
    expect(leaks).toEqual([]);
  });

  test("an anonymous server action on a protected page is refused with a login redirect, nothing rendered", async () => {
    const answer = await send("/protected/static", "POST", {
      "next-action": "7f00000000000000000000000000000000000000",
      "content-type": "text/plain;charset=UTF-8",
    });
    expect(answer.status).toBe(401);
    expect(answer.body).not.toContain(MARKER);
  });
});

test.describe(`a protect rule with an allow condition (${GATE}, basePath "${BASE_PATH}")`, () => {
  test.describe.configure({ timeout: 120_000 });
  const BOARD = "/members/board";
  const mint = (groups: string[]) =>
    testIdentityCookies(
      { sub: `user-${groups.join("-") || "none"}`, groups },
      { cookieSecret: COOKIE_SECRET, url: APP_URL },
    );

  test("in Chromium: a member of the group sees the page, anyone else the gate's 403 page", async ({ browser }) => {
    const member = await browser.newContext();
    await member.addCookies(await mint(["board"]));
    const memberPage = await member.newPage();
    expect((await memberPage.goto(`${APP_URL}${BOARD}`))?.status()).toBe(200);
    await expect(memberPage.getByTestId("fixture")).toContainText(MARKER);

    const other = await browser.newContext();
    await other.addCookies(await mint(["staff"]));
    const otherPage = await other.newPage();
    const refused = await otherPage.goto(`${APP_URL}${BOARD}`);
    expect(refused?.status()).toBe(403);
    expect(refused?.headers()["cache-control"]).toBe("private, no-store");
    await expect(otherPage.getByRole("heading", { name: "Access denied" })).toBeVisible();
    await expect(otherPage.getByTestId("fixture")).toHaveCount(0);
    // The rest of /members stays open to any logged-in user.
    expect((await otherPage.goto(`${APP_URL}/members/handbook`))?.status()).toBe(200);
    await member.close();
    await other.close();
  });

  test("in Chromium: a compressed identity (300 groups) is read by the gate, member or not", async ({ browser }) => {
    const groups = Array.from({ length: 300 }, (_, i) => `engineering-platform-group-${String(i).padStart(3, "0")}`);
    const mintLarge = async (extra: string) => {
      const cookies = await testIdentityCookies(
        { sub: `large-${extra}`, groups: [...groups, extra] },
        { cookieSecret: COOKIE_SECRET, url: APP_URL },
      );
      // Sealing only ever adds to the JSON's size: a cookie shorter than the claims is a compressed one.
      expect(cookies.map((c) => c.value).join("").length).toBeLessThan(JSON.stringify(groups).length);
      return cookies;
    };
    const member = await browser.newContext();
    await member.addCookies(await mintLarge("board"));
    const memberPage = await member.newPage();
    expect((await memberPage.goto(`${APP_URL}${BOARD}`))?.status()).toBe(200);
    await expect(memberPage.getByTestId("fixture")).toContainText(MARKER);

    const other = await browser.newContext();
    await other.addCookies(await mintLarge("staff"));
    const otherPage = await other.newPage();
    expect((await otherPage.goto(`${APP_URL}${BOARD}`))?.status()).toBe(403);
    await expect(otherPage.getByTestId("fixture")).toHaveCount(0);
    expect((await otherPage.goto(`${APP_URL}/members/handbook`))?.status()).toBe(200);
    await member.close();
    await other.close();
  });

  test("no method, header set, encoding or suffix serves the page to a logged-in user outside the group", async () => {
    const cookie = testCookieHeader(await mint(["staff"]));
    const jobs: Array<() => Promise<string | undefined>> = [];
    for (const path of spellings(BOARD)) {
      for (const method of METHODS) {
        for (const headers of method === "GET" ? HEADER_SETS : HEADER_SETS.slice(0, 2)) {
          jobs.push(async () => {
            const answer = await send(path, method, { ...headers, cookie });
            const served = (answer.status >= 200 && answer.status < 300) || answer.body.includes(MARKER);
            return served
              ? `${method} ${path} ${JSON.stringify(headers)} -> ${answer.status} ${answer.body.slice(0, 80)}`
              : undefined;
          });
        }
      }
    }
    const leaks = (await inParallel(jobs)).filter((leak) => leak !== undefined);
    expect(jobs.length).toBeGreaterThan(100);
    expect(leaks).toEqual([]);
  });
});
