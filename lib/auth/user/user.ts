/**
 * The read-only user object behind `getUser()` and `useUser()`, modelled on Streamlit's `st.user`:
 * reads by property or key, `in`, `Object.keys`, spread and `JSON.stringify` give the plain claims, and every
 * write or delete throws. `is_logged_in` is present only when auth is configured.
 */

import { AuthError } from "../errors/auth-error.js";

/** Standard OpenID Connect claims (OIDC Core §5.1), all optional. Extend with your own: `getUser<MyClaims>()`. */
export interface StandardClaims {
  sub?: string;
  name?: string;
  given_name?: string;
  family_name?: string;
  middle_name?: string;
  nickname?: string;
  preferred_username?: string;
  profile?: string;
  picture?: string;
  website?: string;
  email?: string;
  email_verified?: boolean;
  gender?: string;
  birthdate?: string;
  zoneinfo?: string;
  locale?: string;
  phone_number?: string;
  phone_number_verified?: boolean;
  updated_at?: number;
  iss?: string;
  aud?: string | string[];
  exp?: number;
  iat?: number;
  auth_time?: number;
  /** The provider this user logged in with (`"default"` or the name of `[auth.<name>]`). */
  provider?: string;
}

/** The raw tokens in `user.tokens` (server only), when `expose_tokens` in `[auth]` names them. */
export interface UserTokens {
  readonly id?: string;
  readonly access?: string;
}

/** The user's plain data: the ID token's claims, `provider`, and `is_logged_in`. `to_dict()` returns it. */
export type UserData<Claims extends object = StandardClaims> = Claims & {
  /** `true`/`false` when auth is configured; absent (as in Streamlit) when it is not. */
  is_logged_in?: boolean;
  [claim: string]: unknown;
};

/**
 * The read-only user of `getUser()` and `useUser()`, like Streamlit's `st.user`: read claims by property or key
 * (`user.email`, `user["email"]`); any write throws {@link UserModificationError}.
 */
export type User<Claims extends object = StandardClaims> = Readonly<UserData<Claims>> & {
  /** A plain, mutable copy of the claims (and `is_logged_in`). */
  to_dict(): UserData<Claims>;
  toJSON(): UserData<Claims>;
  /** Server only, and only the kinds named by `expose_tokens`. Empty otherwise. */
  readonly tokens: UserTokens;
};

/** The code of {@link UserModificationError}. */
export const UserModificationErrorCode = { USER_READ_ONLY: "USER_READ_ONLY" } as const;

/** Thrown by any write to the user object (or its claims), which is read-only like Streamlit's `st.user`. */
export class UserModificationError extends AuthError<typeof UserModificationErrorCode.USER_READ_ONLY> {
  override readonly name = "UserModificationError";
  constructor(what = "user") {
    super(
      UserModificationErrorCode.USER_READ_ONLY,
      `The ${what} cannot be modified: it is read-only. Log in or out to change who is logged in.`,
    );
  }
}

function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}

/** Proxy traps that refuse every write (to the user, or to `user.tokens`) with a {@link UserModificationError}. */
function refuseWrites<T extends object>(what?: string): ProxyHandler<T> {
  const reject = (): never => {
    throw new UserModificationError(what);
  };
  return { set: reject, defineProperty: reject, deleteProperty: reject, setPrototypeOf: reject };
}

function createTokens(tokens: UserTokens): UserTokens {
  return new Proxy(Object.freeze({ ...tokens }), refuseWrites("user.tokens object"));
}

const EMPTY_TOKENS: UserTokens = createTokens({});

/** Names that belong to the user object's API; a claim of the same name is dropped. */
export const RESERVED_CLAIMS: readonly string[] = ["tokens", "to_dict", "toJSON", "toString"];

/** Wraps plain data (claims plus `is_logged_in`) in the read-only user object. */
export function createUser<Claims extends object = StandardClaims>(
  data: Record<string, unknown>,
  tokens?: UserTokens,
): User<Claims> {
  // The target itself stays extensible and unfrozen (proxy invariants would otherwise pin what `get` may return);
  // the traps below refuse every write, and nested values are frozen.
  const target: Record<string, unknown> = structuredClone(data);
  for (const name of RESERVED_CLAIMS) delete target[name];
  for (const value of Object.values(target)) deepFreeze(value);
  const tokenView = tokens ? createTokens(tokens) : EMPTY_TOKENS;
  const toDict = () => structuredClone(target) as UserData<Claims>;
  const toString = () => JSON.stringify(target);
  return new Proxy(target, {
    ...refuseWrites<Record<string, unknown>>(),
    get(obj, key) {
      if (key === "to_dict" || key === "toJSON") return toDict;
      if (key === "toString") return toString;
      if (key === "tokens") return tokenView;
      if (typeof key === "string" && Object.hasOwn(obj, key)) return obj[key];
      return undefined;
    },
  }) as unknown as User<Claims>;
}
