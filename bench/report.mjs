// @ts-check
/**
 * Prints the figures of a benchmark run as Markdown: the tables of the README's Performance section.
 *
 *   node bench/report.mjs [results.json]            print (default: bench/results/latest.json)
 *   node bench/report.mjs --write [results.json]    also replace them in README.md, between
 *                                                   <!-- bench:begin --> and <!-- bench:end -->
 */
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { markdown } from "./harness/report.mjs";
import { RESULTS, ROOT } from "./harness/paths.mjs";

const args = process.argv.slice(2);
const write = args.includes("--write");
const file = args.find((a) => !a.startsWith("--")) ?? path.join(RESULTS, "latest.json");
const text = markdown(JSON.parse(readFileSync(file, "utf8")));
console.log(text);

if (write) {
  const readme = path.join(ROOT, "README.md");
  const begin = "<!-- bench:begin (node bench/report.mjs --write) -->";
  const end = "<!-- bench:end -->";
  const current = readFileSync(readme, "utf8");
  const from = current.indexOf(begin);
  const to = current.indexOf(end);
  if (from < 0 || to < from) {
    console.error(`README.md has no ${begin} ... ${end} block to replace.`);
    process.exit(1);
  }
  writeFileSync(readme, `${current.slice(0, from + begin.length)}\n${text}\n${current.slice(to)}`);
  console.error(`README.md: replaced the figures with those of ${path.relative(ROOT, file)}.`);
}
