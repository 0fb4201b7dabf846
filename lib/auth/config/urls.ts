import { isAuthRoute, LOGIN_ROUTE, LOGOUT_ROUTE, USER_ROUTE } from "./base-path.js";
import { AuthConfigError } from "./errors.js";
import type { ParseOptions } from "./keys.js";
import { readString, typoHint, type Table, type Where } from "./values.js";

/** URL-valued keys: absolute, http(s), https unless loopback, no credentials; redirect_uri inside the app. */

const LOOPBACK_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]"]);

export function readUrl(
  table: Table,
  key: string,
  where: Where,
  options: ParseOptions,
  errors: AuthConfigError[],
  { required }: { required: boolean },
): string | undefined {
  const raw = readString(table, key, where, errors);
  if (raw === undefined) {
    if (required && table[key] === undefined) {
      errors.push(
        new AuthConfigError("MISSING_KEY", `"${key}" is missing${typoHint(table, key)}`, {
          ...where,
          key,
          fix:
            key === "redirect_uri"
              ? 'Add redirect_uri = "http://localhost:3000/oauth2callback" (your app\'s public origin and its callback path).'
              : `Add ${key} = "https://...".`,
        }),
      );
    }
    return undefined;
  }
  const value = raw.replaceAll("{port}", options.port ?? "3000");
  const problem = checkUrl(value);
  if (problem) {
    errors.push(
      new AuthConfigError(problem.code, `"${key}" ${problem.text} (got "${redactCredentials(raw)}")`, {
        ...where,
        key,
        fix: problem.fix,
      }),
    );
    return undefined;
  }
  if (key !== "redirect_uri") return value;
  const url = new URL(value);
  const basePath = options.basePath ?? "";
  if (basePath && url.pathname !== basePath && !url.pathname.startsWith(`${basePath}/`)) {
    errors.push(
      new AuthConfigError(
        "INVALID_VALUE",
        `"${key}" points outside the app's basePath ${basePath} (got "${redactCredentials(raw)}")`,
        {
          ...where,
          key,
          fix: `Start its path with the basePath, e.g. ${url.origin}${basePath}${url.pathname}, and register that URL at the provider.`,
          publicFix: "Start its path with the app's basePath, and register that URL at the provider.",
        },
      ),
    );
    return undefined;
  }
  const appPath = url.pathname.slice(basePath.length) || "/";
  if (isAuthRoute(appPath, [LOGIN_ROUTE, LOGOUT_ROUTE, USER_ROUTE])) {
    errors.push(
      new AuthConfigError(
        "INVALID_VALUE",
        `"${key}" points at the library's ${appPath.split("/")[2]} route (got "${redactCredentials(raw)}")`,
        {
          ...where,
          key,
          fix: `Use the callback path instead, e.g. ${url.origin}${basePath}/oauth2callback (any other path works too).`,
          publicFix: "Use a callback path such as /oauth2callback instead (any other path works too).",
        },
      ),
    );
    return undefined;
  }
  return value;
}

/** The same path and query on another origin. Joined as text: a path starting with `//` must stay a path. */
export function onOrigin(uri: string, origin: string): string {
  const url = new URL(uri);
  return new URL(new URL(origin).origin + url.pathname + url.search).href;
}

/** `AUTH_ORIGIN` must be a bare origin with the same rules as any redirect_uri. */
export function checkOrigin(value: string): AuthConfigError | undefined {
  const fix =
    "Set AUTH_ORIGIN to this deployment's public origin only, such as https://my-app-git-branch.vercel.app, or unset it.";
  const problem = checkUrl(value);
  if (problem)
    return new AuthConfigError(problem.code, `AUTH_ORIGIN ${problem.text} (got "${redactCredentials(value)}")`, {
      source: "AUTH_ORIGIN",
      fix: `${problem.fix} ${fix}`,
    });
  const url = new URL(value);
  if (url.pathname !== "/" || url.search || url.hash) {
    return new AuthConfigError(
      "INVALID_VALUE",
      `AUTH_ORIGIN must be an origin without a path (got "${redactCredentials(value)}")`,
      { source: "AUTH_ORIGIN", fix },
    );
  }
  return undefined;
}

/** A URL as shown in messages: any `user:password@` part is masked. */
export function redactCredentials(url: string): string {
  return url.replace(/\/\/[^/?#]*@/, "//***@");
}

export function checkUrl(
  value: string,
): { code: "INVALID_URL" | "INSECURE_URL"; text: string; fix: string } | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return {
      code: "INVALID_URL",
      text: "is not an absolute URL",
      fix: "Use a full URL with scheme and host, such as https://example.com/oauth2callback.",
    };
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    return { code: "INVALID_URL", text: "must be an http(s) URL", fix: "Use an https:// URL." };
  }
  if (url.protocol === "http:" && !LOOPBACK_HOSTS.has(url.hostname)) {
    return {
      code: "INSECURE_URL",
      text: "uses http:// for a host that is not loopback",
      fix: "Use https://; plain http:// is only allowed for localhost, 127.0.0.1 and [::1].",
    };
  }
  if (url.username || url.password) {
    return {
      code: "INVALID_URL",
      text: "must not contain a user name or password",
      fix: "Remove the user:password@ part.",
    };
  }
  return undefined;
}
