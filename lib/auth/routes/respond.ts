import { withBasePath } from "../config/base-path.js";
import { serializeCookie, type CookieWrite } from "../cookie/serialize.js";

/** Responses of the auth routes: never cached, never framed, never leaking the URL (which may hold a code). */

const SECURITY_HEADERS: Record<string, string> = {
  "cache-control": "private, no-store",
  pragma: "no-cache",
  "referrer-policy": "no-referrer",
  "x-frame-options": "DENY",
  "x-content-type-options": "nosniff",
};

function headersWith(cookies: readonly CookieWrite[]): Headers {
  const headers = new Headers(SECURITY_HEADERS);
  for (const cookie of cookies) headers.append("set-cookie", serializeCookie(cookie));
  return headers;
}

export function redirectTo(location: URL | string, cookies: readonly CookieWrite[] = [], status = 303): Response {
  const headers = headersWith(cookies);
  headers.set("location", String(location));
  headers.set("content-security-policy", "frame-ancestors 'none'");
  return new Response(null, { status, headers });
}

/**
 * JSON for the app's own scripts: private to this browser and never stored, and readable by no other site (no CORS
 * header; `Cross-Origin-Resource-Policy` keeps it out of cross-site `<script>` and `no-cors` loads too).
 */
export function jsonResponse(status: number, body: unknown): Response {
  const headers = headersWith([]);
  headers.set("cache-control", "private, no-store");
  headers.set("content-type", "application/json; charset=utf-8");
  headers.set("cross-origin-resource-policy", "same-origin");
  headers.set("vary", "cookie");
  return new Response(JSON.stringify(body), { status, headers });
}

export interface PageContent {
  title: string;
  /** Plain text; escaped here. */
  message: string;
  /** Extra lines, e.g. each config error. Plain text; escaped here. */
  details?: readonly string[];
  /** Extra trusted HTML (built by this library only). */
  actionHtml?: string;
}

export function htmlPage(status: number, content: PageContent, cookies: readonly CookieWrite[] = []): Response {
  const headers = headersWith(cookies);
  headers.set("content-type", "text/html; charset=utf-8");
  headers.set(
    "content-security-policy",
    "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'",
  );
  const details = content.details?.length
    ? `<ul>${content.details.map((d) => `<li><pre>${escapeHtml(d)}</pre></li>`).join("")}</ul>`
    : "";
  const body = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(content.title)}</title>
<style>
body{font:16px/1.5 system-ui,sans-serif;margin:0;background:#f6f7f9;color:#1d2330}
main{max-width:42rem;margin:4rem auto;padding:2rem;background:#fff;border-radius:12px;box-shadow:0 1px 3px #0002}
h1{font-size:1.4rem;margin-top:0}pre{white-space:pre-wrap;margin:0;font-size:.9rem}li{margin:.5rem 0}
a,button{font:inherit}.actions{margin-top:1.5rem;display:flex;gap:1rem;align-items:center}
button{padding:.5rem 1rem;border-radius:8px;border:1px solid #2b59c3;background:#2b59c3;color:#fff;cursor:pointer}
</style></head>
<body><main role="main" data-testid="auth-error" data-status="${status}">
<h1>${escapeHtml(content.title)}</h1>
<p>${escapeHtml(content.message)}</p>${details}
<div class="actions">${content.actionHtml ?? ""}<a href="${escapeHtml(withBasePath("/"))}">Back to the app</a></div>
</main></body></html>`;
  return new Response(body, { status, headers });
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
