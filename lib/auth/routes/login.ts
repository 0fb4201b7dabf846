import type { AuthConfig } from "../config/types.js";
import { transactionCookies } from "../cookie/transaction.js";
import type { CookieJar, CookieWrite } from "../cookie/serialize.js";
import { authorizationRequest, type AuthorizationOptions } from "../protocol/authorize.js";
import { getServerMetadata } from "../protocol/discovery.js";
import { AuthFlowError } from "../protocol/errors.js";
import { errorResponse, routeConfig, shownConfigError } from "./context.js";
import { isBackgroundRequest, isFramed, requestCookies } from "./request.js";
import { escapeHtml, htmlPage, redirectTo } from "./respond.js";
import { requireMixUpDefence } from "./mix-up.js";
import { safeReturnTo } from "./return-to.js";
import { DEFAULT_PROVIDER } from "../config/keys.js";
import { LOGIN_ROUTE, withBasePath } from "../config/base-path.js";
import type { Transaction } from "../cookie/transaction.js";
import { loginRequestFromParams } from "../protocol/login-options.js";
import { isSilentLoginRefusal } from "../protocol/login-refusals.js";

/**
 * `GET /auth/login?provider=NAME&returnTo=PATH`: starts the authorization code flow. The login's own OIDC parameters
 * `login_hint`, `prompt`, `max_age` and `acr_values` may come along (checked: a bad one is a 400 page naming it);
 * nothing else from the query reaches the provider.
 */
export async function handleLogin(request: Request): Promise<Response> {
  const params = new URL(request.url).searchParams;
  if (isFramed(request)) {
    const href = withBasePath(`${LOGIN_ROUTE}?${params.toString()}`);
    return htmlPage(403, {
      title: "Log in in a full window",
      message: "For your security, logging in is not possible inside an embedded frame.",
      actionHtml: `<a href="${escapeHtml(href)}" target="_blank" rel="noopener">Open the login in a new window</a>`,
    });
  }
  if (isBackgroundRequest(request))
    return new Response(null, { status: 204, headers: { "cache-control": "private, no-store" } });
  const config = routeConfig();
  if (config instanceof Response) return config;
  const elsewhere = loopbackHostMismatch(request.headers.get("host"), config.origin);
  if (elsewhere) return redirectTo(new URL(withBasePath(`${LOGIN_ROUTE}?${params.toString()}`), elsewhere), [], 302);
  try {
    const { location, cookies } = await beginLogin(
      config,
      params.get("provider") || DEFAULT_PROVIDER,
      params.get("returnTo"),
      requestCookies(request),
      { request: loginRequestFromParams(params) },
    );
    return redirectTo(location, cookies, 302);
  } catch (error) {
    return errorResponse("login", error);
  }
}

const LOOPBACK = /^(localhost|127\.0\.0\.1|\[::1\])(:\d+)?$/;

/**
 * In development the app answers on localhost, 127.0.0.1 and [::1] alike, but cookies are per host: a login begun on
 * 127.0.0.1 could never find its transaction when the provider returns to a `redirect_uri` on localhost. So a login
 * begun on another loopback host than the configured one moves there first. Only between loopback hosts: behind a
 * proxy the Host header is not the public origin and must not be compared with it.
 */
export function loopbackHostMismatch(host: string | null, origin: string): string | undefined {
  const configured = new URL(origin);
  if (!host || !LOOPBACK.test(host) || !LOOPBACK.test(configured.host) || host === configured.host) return undefined;
  return origin;
}

/** Shared by the route and the `login()` server action. */
export async function beginLogin(
  config: AuthConfig,
  providerName: string,
  returnTo: string | null | undefined,
  jar: CookieJar,
  options: AuthorizationOptions = {},
): Promise<{ location: URL; cookies: CookieWrite[] }> {
  const provider = config.providers.get(providerName);
  if (!provider) {
    const broken = config.providerErrors.get(providerName);
    if (broken) {
      throw new AuthFlowError(
        "CONFIG",
        500,
        `The login provider "${providerName}" is misconfigured: ${broken.map(shownConfigError).join(" ")}`,
        broken.map((e) => e.message).join(" "),
      );
    }
    const shown = providerName.length > 64 ? `${providerName.slice(0, 64)}…` : providerName;
    const known = [...config.providers.keys()];
    throw new AuthFlowError(
      "UNKNOWN_PROVIDER",
      404,
      `There is no login provider named "${shown}".${known.length ? ` Configured providers: ${known.join(", ")}.` : " No provider is configured."}`,
      `unknown provider ${JSON.stringify(shown)}`,
    );
  }
  const as = await getServerMetadata(provider);
  requireMixUpDefence(config, provider, as);
  const { url, transaction } = await authorizationRequest(provider, as, safeReturnTo(returnTo, config.origin), options);
  const cookies = await transactionCookies(transaction, jar, { secrets: config.cookieSecrets, secure: config.secure });
  return { location: url, cookies };
}

/** Added to `returnTo` when a silent login check ends without a login: `?auth_error=login_required`. */
export const SILENT_LOGIN_PARAM = "auth_error";

/**
 * Where a silent login check (`prompt=none`) ends when the provider answers that the user would have to interact
 * (`login_required`, ...): back on `returnTo`, logged in or out as before, with `auth_error=<the provider's error>` so
 * the page can tell the check was made (and not start another). Undefined for any other answer.
 */
export function silentLoginEnd(transaction: Transaction, error: string, origin: string): URL | undefined {
  if (!isSilentLoginRefusal(transaction, error)) return undefined;
  const url = new URL(withBasePath(transaction.returnTo), origin);
  url.searchParams.set(SILENT_LOGIN_PARAM, error);
  return url;
}
