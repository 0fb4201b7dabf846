import * as oauth from "oauth4webapi";
import { AuthFlowError } from "./errors.js";

/**
 * Every request to an identity provider goes through here: a timeout (oauth4webapi has none by default), a cap on the
 * response size, and plain http only for loopback providers (local development and tests).
 */

export const DEFAULT_TIMEOUT_MS = 5_000;
export const MAX_RESPONSE_BYTES = 1024 * 1024;

export function providerTimeoutMs(): number {
  const configured = Number(process.env["AUTH_HTTP_TIMEOUT_MS"]);
  return Number.isFinite(configured) && configured > 0 ? configured : DEFAULT_TIMEOUT_MS;
}

/** Reads at most `MAX_RESPONSE_BYTES` of the body and hands oauth4webapi an equivalent, fully buffered Response. */
export async function cappedFetch(url: string, init?: RequestInit): Promise<Response> {
  const response = await fetch(url, init);
  const declared = Number(response.headers.get("content-length"));
  if (declared > MAX_RESPONSE_BYTES) {
    await response.body?.cancel();
    throw new ResponseTooLargeError(url);
  }
  const chunks: Uint8Array[] = [];
  let total = 0;
  if (response.body) {
    const reader = response.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > MAX_RESPONSE_BYTES) {
        await reader.cancel();
        throw new ResponseTooLargeError(url);
      }
      chunks.push(value);
    }
  }
  const body = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.byteLength;
  }
  const nullBody = response.status === 204 || response.status === 304;
  return new Response(nullBody ? null : body, {
    status: response.status,
    statusText: response.statusText,
    headers: response.headers,
  });
}

export class ResponseTooLargeError extends Error {
  override readonly name = "ResponseTooLargeError";
  constructor(url: string) {
    super(`response from ${new URL(url).origin} is larger than ${MAX_RESPONSE_BYTES} bytes`);
  }
}

export function isLoopbackUrl(url: string): boolean {
  const { hostname } = new URL(url);
  return hostname === "localhost" || hostname === "127.0.0.1" || hostname === "[::1]";
}

/**
 * Whether a provider endpoint from the metadata may be used: https, or plain http only when the provider itself is a
 * loopback http one and the endpoint is loopback too (local development and tests).
 */
export function isAllowedEndpoint(endpoint: URL, metadataUrl: string): boolean {
  if (endpoint.protocol === "https:") return true;
  return endpoint.protocol === "http:" && new URL(metadataUrl).protocol === "http:" && isLoopbackUrl(endpoint.href);
}

/** Options for every oauth4webapi request to the provider behind `issuerOrUrl`. */
export function requestOptions(issuerOrUrl: string): {
  signal: AbortSignal;
  [oauth.customFetch]: typeof cappedFetch;
  [oauth.allowInsecureRequests]?: boolean;
} {
  return {
    signal: AbortSignal.timeout(providerTimeoutMs()),
    [oauth.customFetch]: cappedFetch,
    ...(isLoopbackUrl(issuerOrUrl) ? { [oauth.allowInsecureRequests]: true } : {}),
  };
}

/** Turns a transport failure into a provider fault: 504 for a timeout, 502 for anything else. */
export function transportError(error: unknown, what: string): AuthFlowError {
  const timeout = error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError");
  return timeout
    ? new AuthFlowError(
        "PROVIDER_TIMEOUT",
        504,
        `The identity provider did not answer in time (${what}). Try again in a moment.`,
        describeError(error),
        { cause: error },
      )
    : new AuthFlowError(
        "PROVIDER_UNREACHABLE",
        502,
        `The identity provider could not be reached (${what}). Try again in a moment.`,
        describeError(error),
        { cause: error },
      );
}

/** A timeout, an abort or a failed connection (undici reports those as `TypeError: fetch failed`). */
export function isTransportFailure(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  return (
    error.name === "TimeoutError" ||
    error.name === "AbortError" ||
    (error instanceof TypeError && error.message === "fetch failed")
  );
}

/**
 * Any failure while talking to the provider, as the page and log line it deserves: a timeout (504), a connection
 * failure (502), or an answer that is too large or does not follow the protocol (502).
 */
export function providerFault(error: unknown, what: string): AuthFlowError {
  if (error instanceof AuthFlowError) return error;
  if (isTransportFailure(error)) return transportError(error, what);
  const tooLarge =
    error instanceof ResponseTooLargeError || (error instanceof Error && error.cause instanceof ResponseTooLargeError);
  return new AuthFlowError(
    "PROVIDER_INVALID_RESPONSE",
    502,
    tooLarge
      ? `The identity provider's answer was too large (${what}). Try again later.`
      : `The identity provider sent an invalid answer (${what}). Try again later.`,
    describeError(error),
    { cause: error },
  );
}

/** Names that survive a bundler's minification: the built-in errors' and this library's own (set as literals). */
const STABLE_NAMES = new Set([
  "Error",
  "TypeError",
  "RangeError",
  "SyntaxError",
  "TimeoutError",
  "AbortError",
  "AuthFlowError",
  "ResponseTooLargeError",
]);

/**
 * One line for the server log. An error is named by its code when it has one (oauth4webapi's `OAUTH_...` codes,
 * Node's `ERR_...`), never by its class name: a production build minifies library classes to names like `ew`.
 */
export function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as { code?: unknown }).code;
  const label = typeof code === "string" && code !== "" ? code : STABLE_NAMES.has(error.name) ? error.name : "Error";
  const cause = error.cause instanceof Error ? ` (cause: ${error.cause.message})` : "";
  return `${label}: ${error.message}${cause}`;
}
