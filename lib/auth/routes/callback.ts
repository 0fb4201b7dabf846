import { withBasePath, withoutBasePath } from "../config/base-path.js";
import { IdentityTooLargeError } from "../cookie/identity.js";
import { loginTokens } from "../cookie/login-tokens.js";
import type { CookieWrite } from "../cookie/serialize.js";
import { sessionCookies } from "../cookie/session-cookies.js";
import { readTransaction, transactionDeletion } from "../cookie/transaction.js";
import { retriesWithoutDefaultPrompt, withoutDefaultPrompt } from "../protocol/authorize.js";
import { getServerMetadata } from "../protocol/discovery.js";
import { AuthFlowError } from "../protocol/errors.js";
import { exchangeCode, validateAuthorizationResponse } from "../protocol/token.js";
import { errorResponse, routeConfig } from "./context.js";
import { ARRIVAL_PARAM, verifyArrival } from "./arrival.js";
import { beginLogin, silentLoginEnd } from "./login.js";
import { loginPath } from "./login-url.js";
import { endOfLogout } from "./logout-return.js";
import { requireMixUpDefence } from "./mix-up.js";
import { requestCookies, sameCallbackPath } from "./request.js";
import { escapeHtml, redirectTo } from "./respond.js";
import { claimState } from "./used-states.js";

/**
 * The callback at the path of `redirect_uri` (the middleware rewrites it here). The transaction found by `state`
 * decides everything: provider, issuer, redirect_uri, verifier, nonce and where to land.
 */
export async function handleCallback(request: Request): Promise<Response> {
  const config = routeConfig();
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
    );
  }
  const options = { secrets: config.cookieSecrets, secure: config.secure };
  const found = await readTransaction(state, jar, options);
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
    const { writes: cookies } = await sessionCookies(
      {
        claims: { ...login.claims, provider: provider.name },
        idToken: login.idToken,
        serverMetadataUrl: provider.serverMetadataUrl,
      },
      loginTokens(login, config.exposeTokens),
      jar,
      { ...options, policy: config.session },
    );
    return redirectTo(new URL(withBasePath(transaction.returnTo), config.origin), [...consumed, ...cookies]);
  } catch (error) {
    const refused = error instanceof AuthFlowError ? error.providerError : undefined;
    const silentEnd = refused && silentLoginEnd(transaction, refused.error, config.origin);
    if (silentEnd) return redirectTo(silentEnd, consumed);
    if (provider && refused && retriesWithoutDefaultPrompt(provider, transaction, refused.error, refused.description)) {
      console.warn(
        `[auth] callback: "${provider.name}" refused prompt=select_account (Streamlit's default); retrying this login without it`,
      );
      try {
        const retry = await beginLogin(
          config,
          provider.name,
          transaction.returnTo,
          jar,
          withoutDefaultPrompt(transaction),
        );
        return redirectTo(retry.location, [...consumed, ...retry.cookies]);
      } catch (retryError) {
        return errorResponse("callback", retryError, consumed);
      }
    }
    const failure =
      error instanceof IdentityTooLargeError
        ? new AuthFlowError(
            "IDENTITY_TOO_LARGE",
            502,
            `Logging in with "${transaction.provider}" did not work: ${error.message}`,
            `"${transaction.provider}": ${error.size} ${error.unit}, at most ${error.limit}`,
          )
        : error;
    // A configuration problem is not solved by trying again: no such link.
    if (failure instanceof AuthFlowError && failure.code === "CLIENT_REJECTED")
      return errorResponse("callback", failure, consumed);
    return errorResponse("callback", failure, consumed, {
      actionHtml: `<a href="${escapeHtml(withBasePath(loginPath(transaction.provider, transaction.request ?? {}, transaction.returnTo)))}">Try again</a>`,
    });
  }
}
