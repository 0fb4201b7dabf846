import { AuthError } from "../errors/auth-error.js";
import { AuthFlowError } from "../protocol/errors.js";
import { describeError } from "../protocol/http.js";
import type { StandardClaims } from "../user/user.js";

/**
 * The app's login hook, `callback({ onLogin })` or `registerAuth({ onLogin })`: it sees the validated claims and the
 * tokens of a login that passed the allow-lists, before any session cookie exists, and may keep the claims, store
 * others, or refuse the login. `refreshUser()` runs the registered hook again on the refreshed claims.
 */

/** The tokens of the login, server-side only: the hook may call the provider's APIs with them. */
export interface LoginTokens {
  /** The raw ID token whose claims were validated. */
  readonly idToken: string;
  readonly accessToken: string;
  /** When the provider issued one. */
  readonly refreshToken?: string;
  /** ms since the epoch, when the provider said. */
  readonly accessTokenExpiresAt?: number;
}

/** The tokens of a refresh: an ID token only when the refresh returned one (a userinfo refresh has none). */
export type RefreshedTokens = Omit<LoginTokens, "idToken"> & { readonly idToken?: string };

interface HookEventBase<Claims extends object> {
  /** The validated ID token claims (and the userinfo claims the ID token lacked). */
  readonly claims: Readonly<Claims & { [claim: string]: unknown }>;
  /** `"default"` or the name of `[auth.<name>]`. */
  readonly provider: string;
}

/** The hook at a login, in the callback route. */
export interface LoginEventAtLogin<Claims extends object = StandardClaims> extends HookEventBase<Claims> {
  readonly reason: "login";
  readonly tokens: LoginTokens;
  /** The callback request (headers, for an audit log). */
  readonly request: Request;
}

/** The hook at `refreshUser()`, in a server action: the claims the provider gives now for the logged-in user. */
export interface LoginEventAtRefresh<Claims extends object = StandardClaims> extends HookEventBase<Claims> {
  readonly reason: "refresh";
  readonly tokens: RefreshedTokens;
  readonly request?: undefined;
}

/** What the login hook receives; `reason` tells a login from a `refreshUser()`. */
export type LoginEvent<Claims extends object = StandardClaims> =
  LoginEventAtLogin<Claims> | LoginEventAtRefresh<Claims>;

/** The event without its claims, as the login or the refresh describes it. */
export type LoginEventDetails<Claims extends object = StandardClaims> =
  Omit<LoginEventAtLogin<Claims>, "claims"> | Omit<LoginEventAtRefresh<Claims>, "claims">;

/**
 * What the login hook may return: nothing (store the claims as they are), `{ claims }` (store these instead: trim or
 * reshape; `sub`, `iss` and `auth_time` are kept from the validated claims), or `{ refuse }` (a message for the user).
 */
export type LoginHookResult<Claims extends object = StandardClaims> =
  void | undefined | { readonly claims: Claims & { [claim: string]: unknown } } | { readonly refuse: string };

/** The login hook of `callback({ onLogin })` and `registerAuth({ onLogin })`. */
export type OnLogin<Claims extends object = StandardClaims> = (
  event: LoginEvent<Claims>,
) => LoginHookResult<Claims> | Promise<LoginHookResult<Claims>>;

/** The code of {@link LoginRefusedError}. */
export const LoginRefusedErrorCode = { LOGIN_REFUSED_BY_APP: "LOGIN_REFUSED_BY_APP" } as const;

/**
 * Thrown by a login hook (or code it calls) to refuse the login: the user sees `message`, and no session starts. The
 * same as returning `{ refuse: message }`.
 */
export class LoginRefusedError extends AuthError<typeof LoginRefusedErrorCode.LOGIN_REFUSED_BY_APP> {
  override readonly name = "LoginRefusedError";
  constructor(message: string) {
    super(LoginRefusedErrorCode.LOGIN_REFUSED_BY_APP, message);
  }
}

/** Claims the hook cannot change: who logged in, at which issuer, and when (step-up checks read `auth_time`). */
const KEPT_CLAIMS = ["sub", "iss", "auth_time"] as const;
const MAX_REFUSAL_LENGTH = 500;

/**
 * Runs the hook on a copy of the validated claims; the claims to store (`validated` when it returned nothing), or an
 * {@link AuthFlowError}: `LOGIN_REFUSED_BY_APP` for a refusal, `LOGIN_HOOK_FAILED` for anything the hook threw or
 * returned that cannot be stored.
 */
export async function runLoginHook<Claims extends object>(
  hook: OnLogin<Claims>,
  validated: Readonly<Record<string, unknown>>,
  details: LoginEventDetails<Claims>,
): Promise<Readonly<Record<string, unknown>>> {
  const event = { ...details, claims: structuredClone(validated) } as LoginEvent<Claims>;
  const where = { provider: event.provider, reason: event.reason };
  let result: LoginHookResult<Claims>;
  try {
    result = await hook(event);
  } catch (error) {
    if (error instanceof LoginRefusedError) throw refused(error.message, where);
    throw hookFailed(where, thrownDetail(error), error);
  }
  if (result === undefined || result === null) return validated;
  if (typeof result !== "object") throw hookFailed(where, `returned ${typeof result}`);
  if ("refuse" in result) throw refused(result.refuse, where);
  if (!("claims" in result)) throw hookFailed(where, "returned an object with neither claims nor refuse");
  return storedClaims(result.claims, validated, where);
}

interface HookCall {
  readonly provider: string;
  readonly reason: LoginEvent["reason"];
}

function storedClaims(
  claims: unknown,
  validated: Readonly<Record<string, unknown>>,
  where: HookCall,
): Record<string, unknown> {
  let copy: unknown;
  try {
    copy = JSON.parse(JSON.stringify(claims)) as unknown;
  } catch (error) {
    throw hookFailed(where, `returned claims that are not JSON: ${describeError(error)}`, error);
  }
  if (typeof copy !== "object" || copy === null || Array.isArray(copy))
    throw hookFailed(where, "returned claims that are not an object");
  const stored = copy as Record<string, unknown>;
  for (const name of KEPT_CLAIMS) {
    if (validated[name] === undefined) delete stored[name];
    else stored[name] = validated[name];
  }
  return stored;
}

function refused(message: unknown, { provider, reason }: HookCall): AuthFlowError {
  const text = typeof message === "string" ? message.trim().slice(0, MAX_REFUSAL_LENGTH) : "";
  return new AuthFlowError(
    "LOGIN_REFUSED_BY_APP",
    403,
    text || "This app did not let you log in with this account.",
    `onLogin refused a ${reason} with "${provider}"`,
  );
}

function hookFailed({ provider, reason }: HookCall, detail: string, cause?: unknown): AuthFlowError {
  return new AuthFlowError(
    "LOGIN_HOOK_FAILED",
    500,
    "The app could not complete your login. Try again later; if it keeps happening, tell the app's administrator.",
    `onLogin${reason === "refresh" ? " (refresh)" : ""} for "${provider}" ${detail}`,
    cause === undefined ? {} : { cause },
  );
}

function thrownDetail(error: unknown): string {
  const digest = (error as { digest?: unknown } | null)?.digest;
  if (typeof digest === "string" && digest.startsWith("NEXT_"))
    return `called redirect(), notFound() or another Next.js navigation (${digest.split(";")[0]}), which a login hook cannot do: return { refuse } instead, or send the user on from the page they land on`;
  return `threw ${describeError(error)}`;
}
