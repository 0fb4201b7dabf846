// @ts-check
/** Load generation (autocannon), machine-busy readings, and small statistics shared by the sections. */
import { readFileSync } from "node:fs";
import { groupCpuMs } from "./cpu.mjs";

/** @param {number} x @param {number} [digits] */
export function round(x, digits = 2) {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

/** @param {number[]} xs */
export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? /** @type {number} */ (s[m]) : (/** @type {number} */ (s[m - 1]) + /** @type {number} */ (s[m])) / 2;
}

/** Machine-wide CPU busy fraction between two /proc/stat readings (Linux), for marking contended windows. */
function cpuTimes() {
  try {
    const line = readFileSync("/proc/stat", "utf8").split("\n")[0] ?? "";
    const values = line.trim().split(/\s+/).slice(1).map(Number);
    const idle = (values[3] ?? 0) + (values[4] ?? 0);
    return { idle, total: values.reduce((a, b) => a + b, 0) };
  } catch {
    return undefined;
  }
}
/** @param {ReturnType<typeof cpuTimes>} a @param {ReturnType<typeof cpuTimes>} b */
function busyBetween(a, b) {
  if (!a || !b || b.total === a.total) return null;
  return round(1 - (b.idle - a.idle) / (b.total - a.total), 3);
}

/** @type {any} */
let autocannon;

/**
 * `cpu_us` is the CPU time (user + system) the server's process group spent per request in the window, when `pgid`
 * is given: unlike req/s it hardly moves when other work shares the machine. `bytes` is the mean response size.
 * @typedef {{ rps: number, p50: number, p99: number, mean: number, requests: number, non2xx: number, errors: number, busy: number | null, cpu_us: number | null, bytes: number }} LoadResult
 * @param {string} url @param {string | undefined} cookie @param {number} seconds @param {number} connections
 * @param {number} [pgid] the server's process group
 * @returns {Promise<LoadResult>}
 */
export async function load(url, cookie, seconds, connections, pgid) {
  autocannon ??= (await import("autocannon")).default;
  const before = cpuTimes();
  const cpuBefore = pgid === undefined ? null : groupCpuMs(pgid);
  const result = await autocannon({ url, connections, duration: seconds, headers: cookie ? { cookie } : {}, timeout: 10 });
  const cpuAfter = pgid === undefined ? null : groupCpuMs(pgid);
  const cpu_us = cpuBefore === null || cpuAfter === null || result.requests.total === 0 ? null : round(((cpuAfter - cpuBefore) * 1000) / result.requests.total, 1);
  return {
    rps: round(result.requests.average, 1),
    p50: result.latency.p50,
    p99: result.latency.p99,
    mean: round(result.latency.average, 2),
    requests: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
    busy: busyBetween(before, cpuTimes()),
    cpu_us,
    bytes: result.requests.total === 0 ? 0 : round(result.throughput.total / result.requests.total, 0),
  };
}

/**
 * Loads `url` in 1-s windows until the server's CPU per request stops falling (a window no more than 5 % below the one
 * before), at least `minSeconds` and at most `maxSeconds`; returns the seconds it took. A `next start` process that
 * served nothing for a while (while the other cells were measured) needs seconds of load to get back to its steady
 * speed, with or without the plugin: after 40 s without requests its first second cost about twice the CPU per request
 * and it took about 5 s to settle (measured on the protected page of the README app and of the emptied-gate app alike).
 * A fixed 1-s warm-up left that in the measured window, so each ratio leaned toward the build whose last request was
 * more recent.
 * @param {string} url @param {string | undefined} cookie @param {number} connections @param {number} pgid
 * @param {number} minSeconds @param {number} maxSeconds
 */
export async function settle(url, cookie, connections, pgid, minSeconds, maxSeconds) {
  let previous = Infinity;
  for (let seconds = 1; ; seconds++) {
    const cpu = (await load(url, cookie, 1, connections, pgid)).cpu_us ?? 0;
    if (seconds >= maxSeconds || (seconds >= minSeconds && cpu > previous * 0.95)) return seconds;
    previous = cpu;
  }
}

/** @param {string} url @param {string | undefined} [cookie] */
export async function get(url, cookie) {
  const response = await fetch(url, { redirect: "manual", headers: cookie ? { cookie } : {}, signal: AbortSignal.timeout(10_000) });
  return {
    status: response.status,
    location: response.headers.get("location") ?? "",
    setCookie: response.headers.getSetCookie(),
    headers: response.headers,
    text: await response.text(),
  };
}

/** @param {boolean} ok @param {string} what */
export function check(ok, what) {
  if (!ok) throw new Error(`check failed: ${what}`);
}

/** A cookie with one character changed near its end (inside the MAC or the ciphertext). @param {string} cookie */
export function tamper(cookie) {
  const at = cookie.length - 12;
  return cookie.slice(0, at) + (cookie[at] === "A" ? "B" : "A") + cookie.slice(at + 1);
}
