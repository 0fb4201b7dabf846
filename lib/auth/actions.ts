/**
 * The server actions, for client components that call them directly (a server component can also pass them down as
 * props, or import them from the package's main entry):
 *
 * ```tsx
 * "use client";
 * import { login, logout, refreshUser } from "streamlit-auth-nextjs/actions";
 * ```
 *
 * Each lives in a `"use server"` module, so a client bundle gets only a reference to call, never their code.
 */
export { login, logout } from "./server/actions.js";
export { refreshUser } from "./server/refresh-user.js";
