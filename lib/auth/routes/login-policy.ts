import type { AuthConfig, ProviderConfig } from "../config/types.js";
import { loginTokens } from "../cookie/login-tokens.js";
import type { CookieJar, CookieWrite } from "../cookie/serialize.js";
import { sessionCookies } from "../cookie/session-cookies.js";
import { AuthFlowError } from "../protocol/errors.js";
import type { VerifiedLogin } from "../protocol/token.js";
import { checkAllowLists } from "./allow-lists.js";
import { runLoginHook, type OnLogin } from "./login-hook.js";

/**
 * The last steps of a login, after the provider's answer was validated: the allow-lists of secrets.toml, then the
 * app's login hook, then the session cookies with the claims the hook chose. A refusal or failure in any step
 * throws before a single session cookie exists.
 */
export async function admitLogin<Claims extends object>(
  config: AuthConfig,
  provider: ProviderConfig,
  login: VerifiedLogin,
  context: { jar: CookieJar; request: Request; onLogin: OnLogin<Claims> | undefined },
): Promise<CookieWrite[]> {
  const verdict = checkAllowLists(provider.allowLists, login.claims);
  if (!verdict.allowed) {
    const email = typeof login.claims["email"] === "string" ? ` (${login.claims["email"]})` : "";
    throw new AuthFlowError(
      "LOGIN_NOT_ALLOWED",
      403,
      `This app does not accept the account you logged in with${email}. Log in with another account, or ask the app's administrator for access.`,
      `"${provider.name}", sub ${JSON.stringify(login.claims["sub"])}: ${verdict.reason}`,
    );
  }
  const claims = context.onLogin
    ? await runLoginHook(context.onLogin, login.claims, {
        provider: provider.name,
        tokens: {
          idToken: login.idToken,
          accessToken: login.accessToken,
          ...(login.refreshToken === undefined ? {} : { refreshToken: login.refreshToken }),
          ...(login.accessTokenExpiresAt === undefined ? {} : { accessTokenExpiresAt: login.accessTokenExpiresAt }),
        },
        request: context.request,
      })
    : login.claims;
  // Claims the hook reshaped are all that is kept: not the raw ID token as a logout hint, which holds every claim it
  // left out (the logout then names the client instead: client_id with post_logout_redirect_uri).
  const reshaped = claims !== login.claims;
  const { writes } = await sessionCookies(
    {
      claims: { ...claims, provider: provider.name },
      idToken: reshaped ? undefined : login.idToken,
      serverMetadataUrl: provider.serverMetadataUrl,
    },
    loginTokens(login, config.exposeTokens),
    context.jar,
    { secrets: config.cookieSecrets, secure: config.secure, policy: config.session },
  );
  return writes;
}
