import type { AuthConfig, ProviderConfig } from "../config/types.js";
import { IdentityTooLargeError } from "../cookie/identity.js";
import type { CookieJar, CookieWrite } from "../cookie/serialize.js";
import type { Transaction } from "../cookie/transaction.js";
import { retriesWithoutDefaultPrompt, withoutDefaultPrompt } from "../protocol/authorize.js";
import { getServerMetadata } from "../protocol/discovery.js";
import { AuthFlowError } from "../protocol/errors.js";
import { errorResponse } from "./context.js";
import { AUTH_ERROR_CODES, isAuthErrorCode } from "./error-codes.js";
import { retryLoginPath, type RetryLogin } from "./error-page.js";
import { beginLogin, silentLoginEnd } from "./login.js";
import { escapeHtml, redirectTo } from "./respond.js";

/** How a callback that got past the transaction ends when something fails: a page (or the app's), never a session. */

interface FailedLogin {
  config: AuthConfig;
  provider: ProviderConfig | undefined;
  transaction: Transaction;
  jar: CookieJar;
  /** The transaction cookie's deletion: the only cookie a failed callback writes. */
  consumed: CookieWrite[];
  errorPage: string | undefined;
}

export async function callbackFailure(error: unknown, failed: FailedLogin): Promise<Response> {
  const { config, provider, transaction, consumed } = failed;
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
        failed.jar,
        withoutDefaultPrompt(transaction),
      );
      return redirectTo(retry.location, [...consumed, ...retry.cookies]);
    } catch (retryError) {
      return errorResponse("callback", retryError, consumed, undefined, { errorPage: failed.errorPage });
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
  const code = failure instanceof AuthFlowError && isAuthErrorCode(failure.code) ? failure.code : undefined;
  // A configuration problem is not solved by trying again: no such link.
  if (code === undefined || !AUTH_ERROR_CODES[code].retry)
    return errorResponse("callback", failure, consumed, undefined, { errorPage: failed.errorPage });
  const anotherAccount = code === "LOGIN_NOT_ALLOWED" || code === "LOGIN_REFUSED_BY_APP";
  const retry: RetryLogin = {
    provider: transaction.provider,
    returnTo: transaction.returnTo,
    ...(transaction.request ? { request: transaction.request } : {}),
    selectAccount: anotherAccount && provider !== undefined && (await asksForAccount(provider)),
  };
  return errorResponse(
    "callback",
    failure,
    consumed,
    {
      actionHtml: `<a href="${escapeHtml(retryLoginPath(retry))}">${anotherAccount ? "Log in with another account" : "Try again"}</a>`,
    },
    { errorPage: failed.errorPage, retry },
  );
}

/**
 * Whether a retry should add `prompt=select_account`: not when the provider's own prompt already is that (Streamlit's
 * default), and only when its metadata says it supports it (`prompt_values_supported`); else a plain login.
 */
async function asksForAccount(provider: ProviderConfig): Promise<boolean> {
  if (provider.authorizationParams["prompt"] === "select_account") return false;
  const metadata = await getServerMetadata(provider).catch(() => undefined);
  const supported: unknown = metadata?.["prompt_values_supported"];
  return Array.isArray(supported) && supported.includes("select_account");
}
