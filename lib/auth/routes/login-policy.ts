import type { AuthConfig, ProviderConfig } from "../config/types.js";
import { loginTokens } from "../cookie/login-tokens.js";
import type { CookieJar, CookieWrite } from "../cookie/serialize.js";
import { sessionCookies } from "../cookie/session-cookies.js";
import { AuthFlowError } from "../protocol/errors.js";
import type { VerifiedLogin } from "../protocol/token.js";
import { checkAllowLists } from "./allow-lists.js";
import { runLoginHook, type LoginEventDetails, type OnLogin } from "./login-hook.js";
import { registeredLoginHook } from "./registered-hook.js";

/**
 * The last steps of a login, after the provider's answer was validated: the allow-lists of secrets.toml, then the
 * app's login hook (the callback's own, else the one `registerAuth({ onLogin })` registered), then the session cookies
 * with the claims the hook chose. A refusal or failure in any step throws before a single session cookie exists.
 */
export async function admitLogin<Claims extends object>(
  config: AuthConfig,
  provider: ProviderConfig,
  login: VerifiedLogin,
  context: { jar: CookieJar; request: Request; onLogin: OnLogin<Claims> | undefined },
): Promise<CookieWrite[]> {
  const { claims, reshaped } = await admittedClaims(
    provider,
    login.claims,
    context.onLogin ?? (registeredLoginHook() as OnLogin<Claims> | undefined),
    {
      reason: "login",
      provider: provider.name,
      tokens: {
        idToken: login.idToken,
        accessToken: login.accessToken,
        ...(login.refreshToken === undefined ? {} : { refreshToken: login.refreshToken }),
        ...(login.accessTokenExpiresAt === undefined ? {} : { accessTokenExpiresAt: login.accessTokenExpiresAt }),
      },
      request: context.request,
    },
  );
  const { writes } = await sessionCookies(
    {
      claims: { ...claims, provider: provider.name },
      // Claims the hook reshaped are all that is kept: not the raw ID token as a logout hint, which holds every claim
      // it left out (the logout then names the client instead: client_id with post_logout_redirect_uri).
      idToken: reshaped ? undefined : login.idToken,
      serverMetadataUrl: provider.serverMetadataUrl,
      reshaped,
    },
    loginTokens(login, config.exposeTokens),
    context.jar,
    { secrets: config.cookieSecrets, secure: config.secure, policy: config.session },
  );
  return writes;
}

/**
 * The allow-lists, then the hook, on validated claims (of a login or of `refreshUser()`): the claims to store, and
 * whether the hook reshaped them. Throws {@link AuthFlowError}: `LOGIN_NOT_ALLOWED`, `LOGIN_REFUSED_BY_APP`,
 * `LOGIN_HOOK_FAILED`.
 */
export async function admittedClaims<Claims extends object>(
  provider: ProviderConfig,
  validated: Readonly<Record<string, unknown>>,
  hook: OnLogin<Claims> | undefined,
  details: LoginEventDetails<Claims>,
): Promise<{ claims: Readonly<Record<string, unknown>>; reshaped: boolean }> {
  const verdict = checkAllowLists(provider.allowLists, validated);
  if (!verdict.allowed) {
    const email = typeof validated["email"] === "string" ? ` (${validated["email"]})` : "";
    throw new AuthFlowError(
      "LOGIN_NOT_ALLOWED",
      403,
      `This app does not accept the account you logged in with${email}. Log in with another account, or ask the app's administrator for access.`,
      `"${provider.name}", sub ${JSON.stringify(validated["sub"])}: ${verdict.reason}`,
    );
  }
  if (!hook) return { claims: validated, reshaped: false };
  const claims = await runLoginHook(hook, validated, details);
  return { claims, reshaped: claims !== validated };
}
