import { encodeBase64Url } from "./base64url.js";

/**
 * deflate-raw to base64url (Node runtime only: Next refuses `CompressionStream` in middleware builds). Its inverse,
 * inflate.ts, is edge-safe.
 */
export async function deflateToBase64Url(text: string): Promise<string> {
  const stream = new Blob([text]).stream().pipeThrough(new CompressionStream("deflate-raw"));
  return encodeBase64Url(new Uint8Array(await new Response(stream).arrayBuffer()));
}
