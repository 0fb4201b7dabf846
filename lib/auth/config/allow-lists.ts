import { AuthConfigError } from "./errors.js";
import { ALLOW_LIST_KEYS, type AllowListKey } from "./keys.js";
import { describe, type Table, type Where } from "./values.js";

/**
 * Who may log in: `allowed_emails`, `allowed_email_domains`, `allowed_hosted_domains` (Google's `hd`) and
 * `allowed_tenants` (Microsoft Entra's `tid`), in `[auth]` (every provider) or in a provider's section. A provider
 * section with any of them replaces all of `[auth]`'s for that provider. A user may log in when one configured list
 * matches; with no list, everyone the provider authenticates may.
 */

/** A domain as configured: an exact name (`example.com`), or every subdomain of one (`*.example.com`). */
export interface DomainPattern {
  readonly domain: string;
  readonly subdomains: boolean;
}

/** The lists that apply to one provider, normalised to lower case. Absent keys were not configured. */
export interface AllowLists {
  readonly emails?: readonly string[];
  readonly emailDomains?: readonly DomainPattern[];
  readonly hostedDomains?: readonly DomainPattern[];
  readonly tenants?: readonly string[];
  /** Where the lists were written, for log lines: `[auth]` or `[auth.google]`. */
  readonly section: string;
}

const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;
const TENANT_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** A practical address check (RFC 5321 lengths): one @, a non-empty local part without spaces, a valid domain. */
const LOCAL_PART = /^[^\s@]{1,64}$/;

const EXAMPLES: Readonly<Record<AllowListKey, string>> = {
  allowed_emails: 'allowed_emails = ["ada@example.com", "grace@example.org"]',
  allowed_email_domains: 'allowed_email_domains = ["example.com", "*.example.org"]',
  allowed_hosted_domains: 'allowed_hosted_domains = ["example.com"]',
  allowed_tenants: 'allowed_tenants = ["00000000-0000-0000-0000-000000000000"]',
};

/** The allow-lists of one table (`[auth]` or a provider section), or undefined when it sets none. */
export function readAllowLists(table: Table, where: Where, errors: AuthConfigError[]): AllowLists | undefined {
  if (!ALLOW_LIST_KEYS.some((key) => table[key] !== undefined)) return undefined;
  const count = errors.length;
  const emails = readList(table, "allowed_emails", where, errors, normaliseEmail);
  const emailDomains = readList(table, "allowed_email_domains", where, errors, domainPattern);
  const hostedDomains = readList(table, "allowed_hosted_domains", where, errors, domainPattern);
  const tenants = readList(table, "allowed_tenants", where, errors, tenantId);
  if (errors.length > count) return undefined;
  return {
    section: where.section,
    ...(emails && { emails }),
    ...(emailDomains && { emailDomains }),
    ...(hostedDomains && { hostedDomains }),
    ...(tenants && { tenants }),
  };
}

/** A provider's own lists replace the shared ones as a whole: one section says who may log in with it. */
export function effectiveAllowLists(
  shared: AllowLists | undefined,
  own: AllowLists | undefined,
): AllowLists | undefined {
  return own ?? shared;
}

/** A list entry parsed, or what is wrong with it. */
type Parsed<T> = { value: T } | { problem: string };
type Entry<T> = (text: string) => Parsed<T>;

function readList<T>(
  table: Table,
  key: AllowListKey,
  where: Where,
  errors: AuthConfigError[],
  entry: Entry<T>,
): T[] | undefined {
  const value = table[key];
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || !value.every((item): item is string => typeof item === "string")) {
    errors.push(
      new AuthConfigError("WRONG_TYPE", `"${key}" must be a list of strings, not ${describeList(value)}`, {
        ...where,
        key,
        fix: `Write ${EXAMPLES[key]}, or remove ${key} to allow everyone.`,
      }),
    );
    return undefined;
  }
  if (value.length === 0) {
    errors.push(
      new AuthConfigError("INVALID_VALUE", `"${key}" is an empty list, which would let nobody log in`, {
        ...where,
        key,
        fix: `List who may log in (${EXAMPLES[key]}), or remove ${key} to allow everyone.`,
      }),
    );
    return undefined;
  }
  const parsed: T[] = [];
  for (const [index, text] of value.entries()) {
    const result = entry(text);
    if ("problem" in result) {
      errors.push(
        new AuthConfigError("INVALID_VALUE", `"${key}" entry ${index + 1} ${result.problem} (got ${describe(text)})`, {
          ...where,
          key,
          fix: `Write ${EXAMPLES[key]}.`,
          publicFix: `Fix entry ${index + 1}: ${EXAMPLES[key]}.`,
        }),
      );
      return undefined;
    }
    parsed.push(result.value);
  }
  return parsed;
}

function describeList(value: unknown): string {
  return Array.isArray(value) ? "a list with a non-string entry" : describe(value);
}

function normaliseEmail(text: string): Parsed<string> {
  const at = text.lastIndexOf("@");
  if (at === -1) return { problem: "is not an email address (no @)" };
  const local = text.slice(0, at);
  const domain = normaliseDomain(text.slice(at + 1));
  if (!LOCAL_PART.test(local) || local.includes('"'))
    return { problem: "is not a plain email address such as ada@example.com" };
  if (domain === undefined) return { problem: "does not end in a valid domain name" };
  return { value: `${local.toLowerCase()}@${domain}` };
}

function domainPattern(text: string): Parsed<DomainPattern> {
  const subdomains = text.startsWith("*.");
  const domain = normaliseDomain(subdomains ? text.slice(2) : text);
  if (domain === undefined)
    return {
      problem: "is not a domain name such as example.com (no scheme, path, port or @; *.example.com for subdomains)",
    };
  return { value: { domain, subdomains } };
}

/** A lower-case DNS name of at least two labels, or undefined (so `@`, `https://`, `/`, `:`, `*` and spaces fail). */
export function normaliseDomain(text: string): string | undefined {
  const domain = text.toLowerCase();
  const labels = domain.split(".");
  if (domain.length > 253 || labels.length < 2 || !labels.every((label) => LABEL.test(label))) return undefined;
  return domain;
}

function tenantId(text: string): Parsed<string> {
  const id = text.toLowerCase();
  if (TENANT_ID.test(id)) return { value: id };
  return { problem: "is not a tenant ID: use the Directory (tenant) ID, a GUID, not the tenant's domain name" };
}
