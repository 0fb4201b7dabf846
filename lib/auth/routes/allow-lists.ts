import type { AllowLists, DomainPattern } from "../config/allow-lists.js";

/**
 * Whether validated claims pass a provider's allow-lists (config/allow-lists.ts). Any one matching list lets the user
 * in. Emails count only when the provider says they are verified (`email_verified === true`): an unverified address
 * proves nothing about who logged in. Comparisons are case-insensitive and exact; a domain matches its subdomains
 * only through a `*.` entry, and `*.example.com` does not match `example.com` itself.
 */

export type AllowListVerdict = { allowed: true } | { allowed: false; reason: string };

export function checkAllowLists(
  lists: AllowLists | undefined,
  claims: Readonly<Record<string, unknown>>,
): AllowListVerdict {
  if (lists === undefined) return { allowed: true };
  const misses: string[] = [];
  const email = verifiedEmail(claims);
  if (lists.emails || lists.emailDomains) {
    if (email === undefined) misses.push(emailProblem(claims));
    else {
      if (lists.emails?.includes(email)) return { allowed: true };
      const domain = email.slice(email.lastIndexOf("@") + 1);
      if (lists.emailDomains && matchesDomain(domain, lists.emailDomains)) return { allowed: true };
      misses.push("the verified email is in no allowed_emails / allowed_email_domains entry");
    }
  }
  if (lists.hostedDomains) {
    const hd = lowerString(claims["hd"]);
    if (hd !== undefined && matchesDomain(hd, lists.hostedDomains)) return { allowed: true };
    misses.push(
      hd === undefined ? 'no "hd" claim (not a Google Workspace account)' : '"hd" is not in allowed_hosted_domains',
    );
  }
  if (lists.tenants) {
    const tid = lowerString(claims["tid"]);
    if (tid !== undefined && lists.tenants.includes(tid)) return { allowed: true };
    misses.push(tid === undefined ? 'no "tid" claim' : '"tid" is not in allowed_tenants');
  }
  return { allowed: false, reason: `no allow-list of ${lists.section} matched: ${misses.join("; ")}` };
}

/** The email, lower-cased, only when the provider vouches for it with the boolean `email_verified: true`. */
function verifiedEmail(claims: Readonly<Record<string, unknown>>): string | undefined {
  const email = lowerString(claims["email"]);
  if (email === undefined || claims["email_verified"] !== true) return undefined;
  const at = email.lastIndexOf("@");
  return at > 0 && at < email.length - 1 ? email : undefined;
}

function emailProblem(claims: Readonly<Record<string, unknown>>): string {
  if (typeof claims["email"] !== "string") return 'no "email" claim';
  if (!("email_verified" in claims)) return 'no "email_verified" claim, so the email is not trusted';
  return `"email_verified" is ${JSON.stringify(claims["email_verified"])}, not true`;
}

function lowerString(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value.toLowerCase() : undefined;
}

export function matchesDomain(domain: string, patterns: readonly DomainPattern[]): boolean {
  return patterns.some((pattern) =>
    pattern.subdomains ? domain.endsWith(`.${pattern.domain}`) : domain === pattern.domain,
  );
}
