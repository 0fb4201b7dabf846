"use server";

import { headers } from "next/headers.js";
import { redirect } from "next/navigation.js";
import { LOGIN_ROUTE, withBasePath, withoutBasePath } from "../config/base-path.js";
import { AuthConfigError, AuthConfigErrors } from "../config/errors.js";
import { loadConfig } from "../config/load.js";
import { DEFAULT_PROVIDER } from "../config/keys.js";
import type { AuthConfig } from "../config/types.js";
import { AuthFlowError } from "../protocol/errors.js";
import {
  LOGIN_PARAMETERS,
  loginRequestFromOptions,
  loginRequestFromParams,
  type LoginOptions,
  type LoginRequest,
} from "../protocol/login-options.js";
import { beginLogin, loopbackHostMismatch } from "../routes/login.js";
import { loginPath } from "../routes/login-url.js";
import { endSession } from "../routes/logout.js";
import { refererPath, safeReturnTo } from "../routes/return-to.js";
import { requestJar, writeCookies } from "./request-cookies.js";

/** The form fields a login reads: `provider`, `returnTo` and the login's own parameters, named as in the URL. */
const FORM_FIELDS = ["provider", "returnTo", ...Object.values(LOGIN_PARAMETERS)];

/**
 * Starts a login (Streamlit's `st.login()`), as a server action usable straight from a form: `<form action={login}>`.
 *
 * Called from code: `login("okta", { returnTo: "/reports", maxAge: 300 })` (a string as the second argument is
 * `returnTo`). The options `loginHint`, `prompt`, `maxAge` and `acrValues` become the OIDC parameters `login_hint`,
 * `prompt`, `max_age` and `acr_values` of this one login, over `client_kwargs`; a wrong one throws an `AuthFlowError`
 * with the code `INVALID_LOGIN_OPTION`.
 *
 * From a form: the fields `provider`, `returnTo`, `login_hint`, `prompt`, `max_age` and `acr_values`; a wrong value
 * ends on the login route's page that names it. `login.bind(null, "okta")` fixes the provider and reads the rest. Without `returnTo` the user comes back to the current page.
 */
export async function login(
  providerOrForm?: string | FormData,
  returnToOrOptions?: string | LoginOptions | FormData,
): Promise<never> {
  // `<form action={login.bind(null, "okta")}>` passes the form second: the bound provider, the form's other fields.
  const form =
    providerOrForm instanceof FormData
      ? providerOrForm
      : returnToOrOptions instanceof FormData
        ? returnToOrOptions
        : undefined;
  const options = form
    ? undefined
    : typeof returnToOrOptions === "string"
      ? { returnTo: returnToOrOptions }
      : (returnToOrOptions as LoginOptions | undefined);
  // The app's own options are checked before anything else: a wrong one is a bug to see at once.
  const fromCode = options === undefined ? {} : loginRequestFromOptions(options);
  const config = configOrThrow();
  const boundProvider = typeof providerOrForm === "string" ? providerOrForm : undefined;
  const provider = boundProvider || (form ? formString(form, "provider") : undefined) || DEFAULT_PROVIDER;
  checkProvider(config, provider);
  const target = (form ? formString(form, "returnTo") : options?.returnTo || undefined) ?? (await currentPath());
  // A form's values come from the browser: a wrong one is answered by the login route's page that names it.
  const request = form ? formRequest(form) : fromCode;
  if (request instanceof AuthFlowError) redirect(await appUrl(formLoginPath(form!, target), config));
  const elsewhere = loopbackHostMismatch((await headers()).get("host"), config.origin);
  // Cookies are per host: start on the configured loopback host, where the provider will come back to.
  if (elsewhere) redirect(`${elsewhere}${withBasePath(loginPath(provider, request, target))}`);
  let location: string;
  try {
    const started = await beginLogin(config, provider, target, await requestJar(), { request });
    await writeCookies(started.cookies);
    location = started.location.href;
  } catch (error) {
    if (!(error instanceof AuthFlowError) || error.status < 500 || error.code === "CONFIG") throw error;
    // The provider is down or misbehaving: the login route retries and, if it fails again, shows a readable page.
    console.warn(`[auth] login(): ${error.code}: ${error.detail ?? error.message}`);
    location = await appUrl(loginPath(provider, request, target), config);
  }
  redirect(location);
}

/** The login parameters of a form, or the error that the login route will show for them. */
function formRequest(form: FormData): LoginRequest | AuthFlowError {
  try {
    return loginRequestFromParams(formParams(form));
  } catch (error) {
    if (error instanceof AuthFlowError) return error;
    throw error;
  }
}

/** The form's own login fields as they came, for the login route to check and explain. */
function formLoginPath(form: FormData, returnTo: string): string {
  const query = formParams(form);
  query.set("returnTo", returnTo);
  return `${LOGIN_ROUTE}?${query}`;
}

/** The form fields a login reads (Next adds its own `$ACTION_...` fields; they and any others are left out). */
function formParams(form: FormData): URLSearchParams {
  const params = new URLSearchParams();
  for (const name of FORM_FIELDS)
    for (const value of form.getAll(name)) if (typeof value === "string") params.append(name, value);
  return params;
}

/**
 * Logs out here and, when the provider has an end_session_endpoint, there too; then lands on the page the action was
 * called from (or a form's `returnTo` field, or the `returnTo` argument).
 */
export async function logout(returnToOrForm?: string | FormData): Promise<never> {
  const state = loadConfig();
  const config = state.status === "ok" ? state.config : undefined;
  const raw = returnToOrForm instanceof FormData ? formString(returnToOrForm, "returnTo") : returnToOrForm;
  const returnTo = config
    ? safeReturnTo(raw ?? refererPath((await headers()).get("referer"), config.origin), config.origin)
    : "/";
  const { location, cookies: writes } = await endSession(config, await requestJar(), returnTo);
  await writeCookies(writes);
  redirect(location?.href ?? (await appUrl(returnTo, config)));
}

/**
 * A full URL inside the app's basePath. Next's `redirect()` adds the basePath to a bare path only when the client
 * router called the action; a form posted without JavaScript would get `Location: /auth/login` outside the app.
 */
async function appUrl(path: string, config: AuthConfig | undefined): Promise<string> {
  return new URL(withBasePath(path), config?.origin ?? (await requestOrigin())).href;
}

/** Without a config there is no configured origin: the action's own (Next has already checked it against the host). */
async function requestOrigin(): Promise<string> {
  const h = await headers();
  const origin = h.get("origin");
  if (origin && URL.canParse(origin)) return new URL(origin).origin;
  return `http://${h.get("host") ?? "localhost"}`;
}

function configOrThrow(): AuthConfig {
  const state = loadConfig();
  if (state.status === "absent") throw state.reason;
  if (state.status === "invalid")
    throw state.errors.length === 1 ? state.errors[0]! : new AuthConfigErrors(state.errors);
  return state.config;
}

function checkProvider(config: AuthConfig, provider: string): void {
  if (config.providers.has(provider)) return;
  const broken = config.providerErrors.get(provider);
  if (broken) throw broken.length === 1 ? broken[0]! : new AuthConfigErrors(broken);
  const known = [...config.providers.keys()];
  const section = provider === DEFAULT_PROVIDER ? "[auth] (default provider)" : `[auth.${provider}]`;
  throw new AuthConfigError("UNKNOWN_PROVIDER", `no provider "${provider}" is configured`, {
    source: config.source,
    section,
    fix:
      (provider === DEFAULT_PROVIDER
        ? 'Put client_id, client_secret and server_metadata_url directly in [auth] (or in [auth.default]), or call login("<name>")'
        : `Add a section [auth.${provider}] with client_id, client_secret and server_metadata_url`) +
      (known.length ? `. Configured providers: ${known.join(", ")}.` : "."),
  });
}

function formString(form: FormData, key: string): string | undefined {
  const value = form.get(key);
  return typeof value === "string" && value !== "" ? value : undefined;
}

/** The page the action was called from, so the user lands back where they were (Streamlit #10162). */
async function currentPath(): Promise<string> {
  const referer = (await headers()).get("referer");
  if (!referer) return "/";
  try {
    const url = new URL(referer);
    // The referer holds the full path; returnTo is app-relative, as redirect() paths are.
    const path = withoutBasePath(url.pathname);
    return path === undefined ? "/" : path + url.search;
  } catch {
    return "/";
  }
}
