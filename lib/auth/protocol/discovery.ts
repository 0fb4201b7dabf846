import * as oauth from "oauth4webapi";
import type { ProviderConfig } from "../config/types.js";
import { acceptedSigningAlgorithms } from "./client.js";
import { AuthFlowError } from "./errors.js";
import { cappedFetch, describeError, isAllowedEndpoint, providerFault, providerTimeoutMs } from "./http.js";

/**
 * OpenID Provider metadata from `server_metadata_url` (OIDC Discovery 1.0 §4), cached per process for
 * {@link METADATA_TTL_MS}. Concurrent callers share one request. A failure is remembered for
 * {@link METADATA_FAILURE_TTL_MS} only, so a provider that is down is asked at most once per few seconds, and a
 * provider that is back is used again right after.
 */

export const METADATA_TTL_MS = 60 * 60 * 1000;
export const METADATA_FAILURE_TTL_MS = 5_000;
const WELL_KNOWN = "/.well-known/openid-configuration";

interface CacheEntry {
  promise: Promise<oauth.AuthorizationServer>;
  expiresAt: number;
}

const cache = new Map<string, CacheEntry>();

export function getServerMetadata(
  provider: Pick<ProviderConfig, "serverMetadataUrl">,
  now = Date.now(),
): Promise<oauth.AuthorizationServer> {
  const url = provider.serverMetadataUrl;
  const hit = cache.get(url);
  if (hit && hit.expiresAt > now) return hit.promise;
  const promise = fetchServerMetadata(url);
  cache.set(url, { promise, expiresAt: now + METADATA_TTL_MS });
  promise.catch(() => {
    if (cache.get(url)?.promise === promise)
      cache.set(url, { promise, expiresAt: Date.now() + METADATA_FAILURE_TTL_MS });
  });
  return promise;
}

/** Replaces the cached metadata object (a fresh object starts with an empty JWKS cache in oauth4webapi). */
export function replaceServerMetadata(url: string, as: oauth.AuthorizationServer): void {
  const hit = cache.get(url);
  cache.set(url, { promise: Promise.resolve(as), expiresAt: hit?.expiresAt ?? Date.now() + METADATA_TTL_MS });
}

export function clearMetadataCache(): void {
  cache.clear();
}

/**
 * The issuer a document at `metadataUrl` must name: `server_metadata_url` minus the well-known suffix (Discovery
 * §4.3), or undefined for a URL of another shape.
 */
export function expectedIssuer(metadataUrl: string): URL | undefined {
  const url = new URL(metadataUrl);
  url.hash = "";
  if (!url.pathname.endsWith(WELL_KNOWN) || url.search) return undefined;
  url.pathname = url.pathname.slice(0, -WELL_KNOWN.length) || "/";
  return url;
}

function documentIssuer(text: string): string | undefined {
  try {
    const parsed: unknown = JSON.parse(text);
    const issuer =
      typeof parsed === "object" && parsed !== null ? (parsed as Record<string, unknown>)["issuer"] : undefined;
    return typeof issuer === "string" ? issuer : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The issuer to hold the provider to. Normally the one derived from the URL. A provider may also serve several
 * issuers from one host under other paths (Microsoft's `consumers`, `organizations` and `common` documents name a
 * tenant or a `{tenantid}` template): a document fetched from the configured URL is trusted to name an issuer on that
 * same origin. An issuer on another origin is refused.
 */
function acceptedIssuer(metadataUrl: string, claimed: string | undefined): URL | undefined {
  const derived = expectedIssuer(metadataUrl);
  if (claimed === undefined) return derived;
  let url: URL;
  try {
    url = new URL(claimed);
  } catch {
    return derived;
  }
  if (derived && url.href === derived.href) return derived;
  return url.origin === new URL(metadataUrl).origin ? url : undefined;
}

async function fetchServerMetadata(metadataUrl: string): Promise<oauth.AuthorizationServer> {
  const what = "loading its metadata";
  let response: Response;
  try {
    response = await cappedFetch(metadataUrl, {
      headers: { accept: "application/json" },
      redirect: "manual",
      signal: AbortSignal.timeout(providerTimeoutMs()),
    });
  } catch (error) {
    throw providerFault(error, what);
  }
  if (response.status !== 200) {
    throw new AuthFlowError(
      "PROVIDER_INVALID_RESPONSE",
      502,
      `The identity provider's metadata could not be loaded (HTTP ${response.status}).`,
      `GET ${metadataUrl} answered ${response.status}`,
    );
  }
  const text = await response.text();
  const issuer = acceptedIssuer(metadataUrl, documentIssuer(text));
  if (!issuer) {
    throw new AuthFlowError(
      "PROVIDER_INVALID_RESPONSE",
      502,
      "The identity provider's metadata names no issuer on the host of server_metadata_url. Check server_metadata_url.",
      `${metadataUrl}: issuer ${JSON.stringify(documentIssuer(text) ?? null)}`,
    );
  }
  try {
    const discovered = await oauth.processDiscoveryResponse(
      issuer,
      new Response(text, { status: 200, headers: { "content-type": "application/json" } }),
    );
    // oauth4webapi accepts any algorithm this list names: keep only asymmetric, verifiable ones.
    const as: oauth.AuthorizationServer = {
      ...discovered,
      id_token_signing_alg_values_supported: acceptedSigningAlgorithms(
        discovered.id_token_signing_alg_values_supported,
      ),
    };
    for (const endpoint of ["authorization_endpoint", "token_endpoint", "jwks_uri"] as const) {
      if (typeof as[endpoint] !== "string") throw new Error(`metadata has no ${endpoint}`);
      const url = new URL(as[endpoint]);
      if (!isAllowedEndpoint(url, metadataUrl)) throw new Error(`${endpoint} ${url.href} is not an https URL`);
    }
    return as;
  } catch (error) {
    if (error instanceof AuthFlowError) throw error;
    const mismatch = error instanceof oauth.OperationProcessingError && error.code === oauth.JSON_ATTRIBUTE_COMPARISON;
    throw new AuthFlowError(
      "PROVIDER_INVALID_RESPONSE",
      502,
      mismatch
        ? `The identity provider's metadata names a different issuer than ${issuer.href}. Check server_metadata_url.`
        : "The identity provider's metadata is not a valid OpenID Connect discovery document.",
      `${metadataUrl}: ${describeError(error)}`,
      { cause: error },
    );
  }
}
