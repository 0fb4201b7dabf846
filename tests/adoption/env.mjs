// @ts-check
/** The adoption test's ports and test-only credentials (tests/adoption/run.mjs, its Playwright config and spec). */
export const ADOPTION_APP_PORT = 3200;
export const ADOPTION_IDP_PORT = 4200;
export const ADOPTION_APP_ORIGIN = `http://localhost:${ADOPTION_APP_PORT}`;
export const ADOPTION_IDP_ORIGIN = `http://127.0.0.1:${ADOPTION_IDP_PORT}`;
export const ADOPTION_COOKIE_SECRET = "adoption-test-cookie-secret-0123456789-abcdef";
export const ADOPTION_CLIENT = { id: "adoption-app", secret: "adoption-app-client-secret-0123456789" };
