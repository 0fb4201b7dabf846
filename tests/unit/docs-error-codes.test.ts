import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { AUTH_ERROR_CODES } from "@/lib/auth/routes/error-codes";
import { AuthFlowErrorCode } from "@/lib/auth/protocol/errors";

/** docs/troubleshooting.md lists every code the auth routes can end with, as the library's table says. */

const doc = readFileSync(new URL("../../docs/troubleshooting.md", import.meta.url), "utf8");

function errorCodeRows(): Map<string, string[]> {
  const start = doc.indexOf("\n## Error codes\n");
  expect(start).toBeGreaterThan(-1);
  const end = doc.indexOf("\n## ", start + 1);
  const rows = doc
    .slice(start, end)
    .split("\n")
    .filter((line) => line.startsWith("| `"))
    .map((line) =>
      line
        .split("|")
        .slice(1, -1)
        .map((cell) => cell.trim()),
    );
  return new Map(rows.map((row) => [row[0]!.replaceAll("`", ""), row]));
}

describe("docs/troubleshooting.md § Error codes", () => {
  it("lists every code of the routes' table with its kind and status", () => {
    const rows = errorCodeRows();
    for (const [code, info] of Object.entries(AUTH_ERROR_CODES)) {
      const row = rows.get(code);
      expect(row, `${code} is missing from docs/troubleshooting.md`).toBeDefined();
      expect(row![1], code).toBe(info.kind);
      expect(row![2]!.startsWith(String(info.status)), code).toBe(true);
    }
    expect([...rows.keys()].sort()).toEqual(Object.keys(AUTH_ERROR_CODES).sort());
  });

  it("the routes' table covers every AuthFlowError code", () => {
    for (const code of Object.values(AuthFlowErrorCode)) expect(Object.keys(AUTH_ERROR_CODES)).toContain(code);
  });
});
