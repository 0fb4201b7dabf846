import type { AuthConfig, ProviderConfig } from "../config/types.js";
import { identityDeletions, type Identity } from "../cookie/identity.js";
import type { CookieJar, CookieWrite } from "../cookie/serialize.js";
import { tokensDeletion } from "../cookie/tokens.js";
import { AccessTokenError } from "../protocol/access-token-error.js";
import { AuthFlowError } from "../protocol/errors.js";
import type { OnLogin, RefreshedTokens } from "../routes/login-hook.js";
import { admittedClaims } from "../routes/login-policy.js";
import { registeredLoginHook } from "../routes/registered-hook.js";

/**
 * The login policy on refreshUser()'s claims, as at login: the allow-lists of secrets.toml, then the hook registered
 * with `registerAuth({ onLogin })` (`event.reason === "refresh"`). A user they refuse is logged out; a hook that fails
 * leaves everything as it was.
 */

export type RefreshVerdict =
  | { readonly admitted: true; readonly claims: Readonly<Record<string, unknown>>; readonly reshaped: boolean }
  | { readonly admitted: false; readonly writes: CookieWrite[] };

/**
 * The hook to run on this session's refreshed claims. Throws `LOGIN_HOOK_NOT_REGISTERED` (before anything is sent to
 * the provider) when a hook reshaped the claims at login but none is registered here: storing the provider's claims
 * would undo the app's trim.
 */
export function refreshHook(
  identity: Identity,
  provider: ProviderConfig,
): OnLogin<Record<string, unknown>> | undefined {
  const hook = registeredLoginHook();
  if (hook === undefined && identity.reshaped) {
    throw new AccessTokenError(
      "LOGIN_HOOK_NOT_REGISTERED",
      "refreshUser() cannot refresh this session: the app's login hook reshaped its claims at login, and no hook is " +
        "registered to reshape the refreshed ones. Register the hook with registerAuth({ onLogin }) in " +
        "instrumentation.ts so refreshUser() can apply it (callback({ onLogin }) alone is seen by the callback route only).",
      `"${provider.name}", sub ${JSON.stringify(identity.claims["sub"])}: claims reshaped at login, no registered onLogin`,
    );
  }
  return hook;
}

export async function admitRefresh(
  refreshed: Readonly<Record<string, unknown>>,
  context: {
    readonly jar: CookieJar;
    readonly config: AuthConfig;
    readonly provider: ProviderConfig;
    readonly hook: OnLogin<Record<string, unknown>> | undefined;
    readonly tokens: RefreshedTokens;
  },
): Promise<RefreshVerdict> {
  const { jar, config, provider } = context;
  try {
    const admitted = await admittedClaims(provider, refreshed, context.hook, {
      reason: "refresh",
      provider: provider.name,
      tokens: context.tokens,
    });
    return { admitted: true, ...admitted };
  } catch (error) {
    if (!(error instanceof AuthFlowError)) throw error;
    if (error.code === "LOGIN_NOT_ALLOWED" || error.code === "LOGIN_REFUSED_BY_APP") {
      console.warn(`[auth] refreshUser: ${error.code}: ${error.detail ?? error.message}; the session ended`);
      return {
        admitted: false,
        writes: [...identityDeletions(jar, config.secure), ...tokensDeletion(jar, config.secure)],
      };
    }
    if (error.code === "LOGIN_HOOK_FAILED") {
      const line = `[auth] refreshUser: LOGIN_HOOK_FAILED: ${error.detail ?? ""}; the old claims stay`;
      if (error.cause === undefined) console.error(line);
      else console.error(line, error.cause);
      throw new AccessTokenError(
        "LOGIN_HOOK_FAILED",
        "Your account's details could not be refreshed. Try again later; if it keeps happening, tell the app's administrator.",
        error.detail,
        undefined,
        { cause: error.cause },
      );
    }
    throw error;
  }
}
