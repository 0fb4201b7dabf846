// @ts-check
// The end-to-end tests drive Debian's chromium (Playwright cannot download its own browser here).
import { existsSync } from "node:fs";

const path = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
if (!existsSync(path)) {
  console.error(
    `Chromium was not found at ${path}. Install it with:\n\n  sudo apt-get update && sudo apt-get install -y chromium\n\n` +
      "or set CHROMIUM_PATH to a Chromium/Chrome binary. (bash .ci/run installs it for you when run as root.)",
  );
  process.exit(1);
}
