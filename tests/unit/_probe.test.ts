import { test } from "vitest";
import { createUser } from "@/lib/auth/user/user";
import { compileMatcher } from "@/lib/auth/middleware";
import { parseAuthConfig } from "@/lib/auth/config/parse";
import { safeReturnTo } from "@/lib/auth/routes/return-to";
import { isSameOriginRequest } from "@/lib/auth/routes/request";
test("probe", () => {
  try { const u = createUser({ tokens: "x" }); console.log("tokens claim", (u as Record<string, unknown>).tokens); } catch (e) { console.log("ERR tokens claim", String(e)); }
  try { const u = createUser({ a: 1 }); console.log("tmpl", `${String(u)}`); } catch (e) { console.log("ERR tmpl", String(e)); }
  const m = compileMatcher([/^\/admin/g]);
  console.log("g", m("/admin"), m("/admin"), m("/admin"));
  console.log("slash", compileMatcher(["/admin/"])("/admin"));
  const r = parseAuthConfig('[auth]\nredirect_uri = "http://a:b@localhost/cb"\ncookie_secret="' + "x".repeat(32) + '"', { source: "s" });
  console.log(JSON.stringify(r.status === "invalid" ? r.errors.map(e => e.message) : r));
  const r2 = parseAuthConfig('[auth]\nredirect_uri = http://x\n', { source: "s" });
  console.log(JSON.stringify(r2.status === "invalid" ? r2.errors.map(e => [e.message, e.line]) : r2));
  console.log(safeReturnTo("/%0d%0aSet-Cookie:x", "https://app.example"));
  const req = new Request("https://app.example/x", { headers: { origin: "https://app.example", referer: "https://app.example/a", "sec-fetch-site": "none" } });
  console.log([...req.headers.entries()]);
  console.log(isSameOriginRequest(req, "https://app.example"));
});
