/**
 * Every way the app's router may read a request path, so that the gate judges the path the page is served for and not
 * only the bytes that arrived. Next decodes percent-escapes before it picks a route (`/%6dembers` renders `/members`),
 * matches its middleware matcher against the raw and the decoded path, and serves the App Router's transport forms of
 * a page (`/members.rsc`, `/members.segments/....segment.rsc`) from the same route.
 */
export interface PathReadings {
  /** The raw path, its decoded form, the decoded form with `//`, `.` and `..` resolved, and each without a transport suffix. */
  readonly readings: readonly string[];
  /**
   * True when the path cannot be decoded to one meaning: an invalid escape, an encoded `/` or `\`, a backslash, or a
   * control character after decoding. The gate treats such a path as protected.
   */
  readonly ambiguous: boolean;
}

const ENCODED_SEPARATOR = /%(?:2f|5c)/i;
const CONTROL = /[\u0000-\u001f\u007f]/;
/**
 * `.rsc` and segment prefetches (`/page.segments/<segment path>.segment.rsc`), as Next's own matcher suffixes; also
 * as the middleware sees a segment prefetch once Next's adapter has dropped its `.rsc` (`/page.segments/_tree.segment`):
 * anything from `.segments/` on.
 */
const TRANSPORT_SUFFIX = /(?:\.segments\/.*|\.rsc)$/;

export function pathReadings(rawPath: string): PathReadings {
  let ambiguous = ENCODED_SEPARATOR.test(rawPath) || rawPath.includes("\\");
  let decoded: string | undefined;
  try {
    decoded = decodeURIComponent(rawPath);
    if (CONTROL.test(decoded)) ambiguous = true;
  } catch {
    ambiguous = true;
  }
  const readings = new Set<string>([rawPath]);
  for (const path of decoded === undefined ? [rawPath] : [rawPath, decoded]) {
    const normalised = normalisePath(path);
    for (const reading of [path, normalised]) {
      readings.add(reading);
      const bare = reading.replace(TRANSPORT_SUFFIX, "");
      if (bare !== reading) readings.add(bare === "" || bare === "/index" ? "/" : bare);
    }
  }
  return { readings: [...readings], ambiguous };
}

/** `//a/./b/../c/` → `/a/c/`: empty and `.` segments dropped, `..` resolved, never above the root. */
export function normalisePath(path: string): string {
  const segments: string[] = [];
  const parts = path.split("/");
  for (const part of parts) {
    if (part === "" || part === ".") continue;
    if (part === "..") segments.pop();
    else segments.push(part);
  }
  const trailing = parts.length > 1 && (parts.at(-1) === "" || parts.at(-1) === "." || parts.at(-1) === "..");
  const joined = `/${segments.join("/")}`;
  return trailing && joined !== "/" ? `${joined}/` : joined;
}
