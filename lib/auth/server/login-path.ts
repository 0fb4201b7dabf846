import { LOGIN_ROUTE } from "../config/base-path.js";

/**
 * `/auth/login?provider=...&returnTo=...&max_age=N`, app-relative, with the login route's own query parameter names.
 * (The same parameters as the shared login URL builder of the login options; one of the two is enough once both are
 * in the package.)
 */
export function loginPath(options: {
  provider?: string | undefined;
  returnTo: string;
  maxAge?: number | undefined;
}): string {
  const query = new URLSearchParams();
  if (options.provider !== undefined) query.set("provider", options.provider);
  query.set("returnTo", options.returnTo);
  if (options.maxAge !== undefined) query.set("max_age", String(options.maxAge));
  return `${LOGIN_ROUTE}?${query.toString()}`;
}
