import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { AuthConfigErrorCode } from "@/lib/auth/config/errors";
import { PROVIDER_KEYS, SHARED_KEYS } from "@/lib/auth/config/keys";
import { AuthFlowErrorCode } from "@/lib/auth/protocol/errors";

/** docs/configuration.md documents every key and every error, each with a test that exists. */

const read = (file: string) => readFileSync(new URL(`../../${file}`, import.meta.url), "utf8");
const doc = read("docs/configuration.md");
const section = (heading: string) => {
  const start = doc.indexOf(`\n## ${heading}\n`);
  expect(start, heading).toBeGreaterThan(-1);
  const end = doc.indexOf("\n## ", start + 1);
  return doc.slice(start, end === -1 ? undefined : end);
};
const tableRows = (text: string) =>
  text
    .split("\n")
    .filter((line) => line.startsWith("| `"))
    .map((line) =>
      line
        .split(/(?<!\\)\|/)
        .slice(1, -1)
        .map((cell) => cell.trim()),
    );

describe("docs/configuration.md", () => {
  it("documents every [auth] and provider key in its key tables", () => {
    const keys = new Set(
      [...tableRows(section("`[auth]`: shared settings")), ...tableRows(section("Providers"))].map((row) => row[0]),
    );
    for (const key of [...SHARED_KEYS, ...PROVIDER_KEYS]) expect(keys, key).toContain(`\`${key}\``);
  });

  it("documents every environment variable the library reads", () => {
    const variables = tableRows(section("Environment variables")).map((row) => row[0]);
    const read = readByLibrary();
    // The scan finds what it should; Next's own and the internal hand-over variables are not the user's to set.
    expect(read).toEqual(expect.arrayContaining(["AUTH_SECRETS", "AUTH_SECRETS_FILE", "PORT", "AUTH_ORIGIN"]));
    for (const name of read) expect(variables, name).toContain(`\`${name}\``);
  });

  const errorRows = tableRows(section("Configuration errors"));
  const codesInSource = Object.values(AuthConfigErrorCode);

  it("has a row for every AuthConfigError code", () => {
    expect(codesInSource.length).toBeGreaterThan(10);
    const documented = new Set(errorRows.map((row) => row[0]));
    for (const code of codesInSource) expect(documented, code).toContain(`\`${code}\``);
  });

  it("names, for every error row, tests that exist in the test file it names", () => {
    let previous = { files: [] as string[], titles: [] as string[] };
    for (const row of errorRows) {
      const cell = row[4] ?? "";
      const files = [...cell.matchAll(/`([\w-]+\.test\.ts)`/g)].map((m) => m[1]!);
      const titles = [...cell.matchAll(/"([^"]+)"/g)].map((m) => m[1]!);
      if (files.length === 0) {
        // "same test" points at the row above.
        expect(cell, `row ${row[0]} ${row[1]?.slice(0, 60)}`).toMatch(/^same test/);
        files.push(...previous.files);
        titles.push(...previous.titles);
      }
      expect(titles.length, cell).toBeGreaterThan(0);
      const sources = files.map((file) => read(`tests/unit/${file}`)).join("\n");
      for (const title of titles) expect(sources.includes(title), `${files.join(", ")} has no "${title}"`).toBe(true);
      previous = { files, titles };
    }
  });
});

describe("docs/api.md", () => {
  it("names every AuthFlowError code in its AuthFlowError section", () => {
    const api = read("docs/api.md");
    const start = api.indexOf("### `AuthFlowError`");
    const flowSection = api.slice(start, api.indexOf("\n### ", start + 1));
    for (const code of Object.values(AuthFlowErrorCode)) expect(flowSection, code).toContain(`\`${code}\``);
  });
});

/** Names of the environment variables that code under lib/ reads by a literal name (comments excluded). */
function readByLibrary(): string[] {
  const names = new Set<string>();
  const patterns = [
    /process\.env\.([A-Za-z_][A-Za-z0-9_]*)/g,
    /process\.env\["([A-Za-z_][A-Za-z0-9_]*)"\]/g,
    /\benv(?:Value)?\("([A-Za-z_][A-Za-z0-9_]*)"\)/g,
    /\benv\["([A-Za-z_][A-Za-z0-9_]*)"\]/g,
  ];
  const files = readdirSync(new URL("../../lib", import.meta.url), { recursive: true, encoding: "utf8" }).filter(
    (f) => /\.tsx?$/.test(f) && !f.startsWith("auth/dist/"),
  );
  for (const file of files) {
    const code = read(`lib/${file}`)
      .split("\n")
      .filter((line) => !/^\s*(\*|\/\/|\/\*)/.test(line))
      .join("\n");
    for (const pattern of patterns) for (const match of code.matchAll(pattern)) names.add(match[1]!);
  }
  for (const internal of ["NEXT_RUNTIME", "__NEXT_ROUTER_BASEPATH"]) names.delete(internal);
  return [...names].sort();
}
