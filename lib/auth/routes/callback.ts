import { withBasePath, withoutBasePath } from "../config/base-path.js";
import type { CookieWrite } from "../cookie/serialize.js";
import { readTransaction, transactionDeletion } from "../cookie/transaction.js";
import { getServerMetadata } from "../protocol/discovery.js";
import { AuthFlowError } from "../protocol/errors.js";
import { exchangeCode, validateAuthorizationResponse } from "../protocol/token.js";
import type { StandardClaims } from "../user/user.js";
import { callbackFailure } from "./callback-failure.js";
import { errorResponse, routeConfig, type ErrorTarget } from "./context.js";
import { ARRIVAL_PARAM, verifyArrival } from "./arrival.js";
import { admitLogin } from "./login-policy.js";
import type { OnLogin } from "./login-hook.js";
import { endOfLogout } from "./logout-return.js";
import { requireMixUpDefence } from "./mix-up.js";
import { requestCookies, sameCallbackPath } from "./request.js";
import { redirectTo } from "./respond.js";
import { claimState } from "./used-states.js";

/** What the app's callback route may add: `export const GET = callback({ onLogin, errorPage })`. */
export interface CallbackOptions<Claims extends object = StandardClaims> {
  /** Runs after the allow-lists, before any session cookie: keep, reshape or refuse the login. */
  readonly onLogin?: OnLogin<Claims> | undefined;
  /** The app's own error page (an app-relative path); the built-in page by default. */
  readonly errorPage?: string | undefined;
}

/**
 * The callback at the path of `redirect_uri` (the middleware rewrites it here). The transaction found by `state`
 * decides everything: provider, issuer, redirect_uri, verifier, nonce and where to land.
 */
export async function handleCallback<Claims extends object = StandardClaims>(
  request: Request,
  options: CallbackOptions<Claims> = {},
): Promise<Response> {
  const page: ErrorTarget = { errorPage: options.errorPage };
  const config = routeConfig(page);
  if (config instanceof Response) return config;
  const url = new URL(request.url);
  const params = url.searchParams;
  // Set by the middleware's rewrite, not by the provider: taken out before the response is validated.
  const arrival = params.get(ARRIVAL_PARAM);
  params.delete(ARRIVAL_PARAM);

  const jar = requestCookies(request);
  // The provider's way back from a logout lands here too.
  const logoutEnd = await endOfLogout(params, jar, config);
  if (logoutEnd) return logoutEnd;

  const state = params.get("state");
  if (!state) {
    return errorResponse(
      "callback",
      new AuthFlowError(
        "MISSING_STATE",
        400,
        "The response from the identity provider has no state, so it cannot be matched to a login. Start the login again.",
      ),
      [],
      undefined,
      page,
    );
  }
  const found = await readTransaction(state, jar, { secrets: config.cookieSecrets, secure: config.secure });
  const unknown = (detail?: string, cookies: CookieWrite[] = []) =>
    errorResponse(
      "callback",
      new AuthFlowError(
        "UNKNOWN_TRANSACTION",
        400,
        "This login response does not match a login started in this browser: it expired, was already used, or cookies are blocked. Start the login again.",
        detail,
      ),
      cookies,
      undefined,
      page,
    );
  if (!found) return unknown();
  const { transaction } = found;
  const consumed = [transactionDeletion(found.cookieName, config.secure)];
  // Used once, whatever happens next: a replay never reaches the token endpoint.
  if (!claimState(state, found.acceptedUntil)) return unknown("state already used on this server", consumed);
  const provider = config.providers.get(transaction.provider);
  try {
    if (!provider)
      throw new AuthFlowError(
        "UNKNOWN_PROVIDER",
        400,
        `The login provider "${transaction.provider}" is no longer configured. Start the login again.`,
      );
    // Mix-up defence (RFC 9700 §4.4): the response must arrive at the redirect_uri this provider was given.
    // After an internal rewrite Next hands the route the URL the browser asked for (without the base path); after an
    // external one, /auth/callback with the middleware's MACed arrival path. Compared app-relative, so both agree.
    const arrivedAt = (await verifyArrival(arrival, state, config.cookieSecrets)) ?? url.pathname;
    const appRelative = (path: string) => withoutBasePath(path) ?? path;
    if (!sameCallbackPath(appRelative(arrivedAt), appRelative(new URL(transaction.redirectUri).pathname))) {
      throw new AuthFlowError(
        "INVALID_AUTHORIZATION_RESPONSE",
        400,
        "The response from the identity provider arrived at the wrong address for this login. Start the login again.",
        `arrived at ${arrivedAt}, expected ${transaction.redirectUri}`,
      );
    }
    const as = await getServerMetadata(provider);
    requireMixUpDefence(config, provider, as);
    if (as.issuer !== transaction.issuer) {
      throw new AuthFlowError(
        "PROVIDER_INVALID_RESPONSE",
        502,
        "The identity provider changed while you were logging in. Start the login again.",
        `issuer ${as.issuer} != ${transaction.issuer}`,
      );
    }
    const response = validateAuthorizationResponse(provider, as, transaction, params);
    const login = await exchangeCode(provider, as, transaction, response);
    const cookies = await admitLogin(config, provider, login, { jar, request, onLogin: options.onLogin });
    return redirectTo(new URL(withBasePath(transaction.returnTo), config.origin), [...consumed, ...cookies]);
  } catch (error) {
    return callbackFailure(error, { config, provider, transaction, jar, consumed, errorPage: options.errorPage });
  }
}
