// @ts-check
/**
 * CPU time a server process group has spent (Linux /proc), to report CPU per request beside req/s: on a machine that
 * other work shares, req/s moves with whatever else runs, while the CPU the server itself spends on each request
 * barely does.
 */
import { readdirSync, readFileSync } from "node:fs";

/** Clock ticks per second of /proc/<pid>/stat (USER_HZ, 100 on every Linux Node supports). */
const TICKS_PER_SECOND = 100;

/**
 * User + system CPU, in ms, of every live process in the process group `pgid` (a server started detached, with its
 * workers), or null where /proc cannot be read.
 * @param {number} pgid
 * @returns {number | null}
 */
export function groupCpuMs(pgid) {
  let ticks = 0;
  let seen = false;
  let entries;
  try {
    entries = readdirSync("/proc");
  } catch {
    return null;
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    let stat;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, "utf8");
    } catch {
      continue;
    }
    // The command name (field 2) may hold spaces and parentheses: the fields after it start past the last ")".
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    if (Number(fields[2]) !== pgid) continue;
    seen = true;
    ticks += Number(fields[11]) + Number(fields[12]);
  }
  return seen ? (ticks * 1000) / TICKS_PER_SECOND : null;
}
