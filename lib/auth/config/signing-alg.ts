import { AuthConfigError } from "./errors.js";
import { ASYMMETRIC_ALGORITHMS, HMAC_ALGORITHMS, type IdTokenSigningAlg } from "./types.js";
import { readString, type Table, type Where } from "./values.js";

/**
 * `id_token_signed_response_alg` (the client-registration name, OpenID Connect Dynamic Client Registration §2): pins
 * the one algorithm this provider's ID tokens must use. It is how a provider section opts in to HMAC-signed ID tokens
 * (OIDC Core §10.1), which are verified with the client secret; `none` is never accepted.
 */

const KEY = "id_token_signed_response_alg";
const SUPPORTED: readonly string[] = [...ASYMMETRIC_ALGORITHMS, ...HMAC_ALGORITHMS];

export function isHmacAlgorithm(alg: string): boolean {
  return (HMAC_ALGORITHMS as readonly string[]).includes(alg);
}

export function readIdTokenSigningAlg(
  table: Table,
  clientSecret: string | undefined,
  where: Where,
  errors: AuthConfigError[],
): IdTokenSigningAlg | undefined {
  const alg = readString(table, KEY, where, errors);
  if (alg === undefined) return undefined;
  const at = { ...where, key: KEY };
  if (alg.toLowerCase() === "none") {
    errors.push(
      new AuthConfigError("INVALID_VALUE", `${KEY} = "${alg}" is never accepted: unsigned ID tokens prove nothing`, {
        ...at,
        fix: `Remove it (the provider's asymmetric algorithms are then accepted), or name the algorithm the provider signs with, such as "RS256".`,
      }),
    );
    return undefined;
  }
  if (!SUPPORTED.includes(alg)) {
    errors.push(
      new AuthConfigError("INVALID_VALUE", `${KEY} = "${shown(alg)}" is not supported`, {
        ...at,
        fix: `Use one of ${SUPPORTED.join(", ")} (names are case-sensitive), or remove it.`,
      }),
    );
    return undefined;
  }
  const needed = isHmacAlgorithm(alg) ? Number(alg.slice(2)) / 8 : 0;
  const length = new TextEncoder().encode(clientSecret ?? "").length;
  if (clientSecret !== undefined && length < needed) {
    errors.push(
      new AuthConfigError(
        "WEAK_SECRET",
        `${KEY} = "${alg}" verifies ID tokens with the client secret, which must then be at least ${needed} bytes long (it is ${length})`,
        {
          ...at,
          fix: `Use a client secret of at least ${needed} bytes (RFC 7518 §3.2: an HMAC key at least as long as the hash), or better, have the provider sign ID tokens with RS256 and remove ${KEY}.`,
        },
      ),
    );
    return undefined;
  }
  return alg as IdTokenSigningAlg;
}

function shown(value: string): string {
  return value.length > 32 ? `${value.slice(0, 32)}…` : value;
}
