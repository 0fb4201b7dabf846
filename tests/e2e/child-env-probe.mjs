// Preloaded (NODE_OPTIONS=--import) into one server of the end-to-end run. For every <id>.request file that appears
// in CHILD_ENV_PROBE_DIR, the server process spawns a child process the ordinary way (inheriting its environment, as
// any child process of an app does) and saves what the child sees in <id>.env.
import { spawnSync } from "node:child_process";
import { mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";

const dir = process.env.CHILD_ENV_PROBE_DIR;
if (dir) {
  mkdirSync(dir, { recursive: true });
  setInterval(() => {
    for (const name of readdirSync(dir)) {
      if (!name.endsWith(".request")) continue;
      const id = name.slice(0, -".request".length);
      try {
        rmSync(path.join(dir, name));
      } catch {
        continue; // answered already
      }
      const child = spawnSync("env", [], { encoding: "utf8" });
      writeFileSync(path.join(dir, `${id}.partial`), child.stdout);
      renameSync(path.join(dir, `${id}.partial`), path.join(dir, `${id}.env`));
    }
  }, 100).unref();
}
