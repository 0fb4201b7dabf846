import { AuthConfigError } from "./errors.js";
import { PROVIDER_KEYS, SHARED_KEYS } from "./keys.js";
import { nearest } from "./suggest.js";

/** Reading single TOML values, and describing them in messages. */

export type Table = Record<string, unknown>;

export function isTable(value: unknown): value is Table {
  return typeof value === "object" && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

export interface Where {
  source: string;
  section: string;
}

export function readString(table: Table, key: string, where: Where, errors: AuthConfigError[]): string | undefined {
  const value = table[key];
  if (value === undefined) return undefined;
  if (typeof value !== "string") {
    errors.push(
      new AuthConfigError("WRONG_TYPE", `"${key}" must be a string, not ${describe(value)}`, {
        ...where,
        key,
        fix: `Write it in double quotes: ${key} = "..."`,
      }),
    );
    return undefined;
  }
  return value;
}

export function describe(value: unknown): string {
  if (Array.isArray(value)) return "a list";
  if (isTable(value)) return "a table";
  if (typeof value === "string") return `"${value}"`;
  return `${typeof value} ${String(value)}`;
}

/** ` (found "redirect_url": a typo?)` when the table has an unknown key close to the missing one. */
export function typoHint(table: Table, missing: string): string {
  const known = new Set<string>([...SHARED_KEYS, ...PROVIDER_KEYS]);
  const typo = Object.keys(table).find((k) => !known.has(k) && !isTable(table[k]) && nearest(k, [missing]) === missing);
  return typo === undefined ? "" : ` (found "${typo}": a typo?)`;
}

export function notATableError(key: string, value: unknown, where: Where): AuthConfigError {
  return new AuthConfigError(
    "WRONG_TYPE",
    `"${key}" is neither a setting of [auth] nor a provider section (got ${typeof value === "string" ? "a string" : describe(value)})`,
    {
      ...where,
      key,
      fix: `Write a provider as its own section, [auth.${key}], with client_id, client_secret and server_metadata_url; or remove ${key}.`,
    },
  );
}
