import { decodeBase64Url, encodeBase64Url } from "./base64url.js";

/** deflate-raw to base64url and back (Node runtime only: Next refuses `CompressionStream` in middleware builds). */

export async function deflateToBase64Url(text: string): Promise<string> {
  const stream = new Blob([text]).stream().pipeThrough(new CompressionStream("deflate-raw"));
  return encodeBase64Url(new Uint8Array(await new Response(stream).arrayBuffer()));
}

/** The inflated text, or undefined when it is not valid deflate data, not UTF-8, or longer than `maxBytes`. */
export async function inflateBase64Url(data: string, maxBytes: number): Promise<string | undefined> {
  const bytes = decodeBase64Url(data);
  if (!bytes) return undefined;
  const reader = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("deflate-raw")).getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > maxBytes) {
        await reader.cancel();
        return undefined;
      }
      chunks.push(value);
    }
    const joined = new Uint8Array(total);
    let offset = 0;
    for (const chunk of chunks) {
      joined.set(chunk, offset);
      offset += chunk.byteLength;
    }
    return new TextDecoder("utf-8", { fatal: true }).decode(joined);
  } catch {
    return undefined;
  }
}
