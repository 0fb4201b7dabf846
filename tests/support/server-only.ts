/**
 * Stands in for the `server-only` package in unit tests. The real one throws when it is loaded outside React's server
 * environment, to keep server modules out of client bundles; Next resolves it per bundle, and Vitest runs the library's
 * server modules on plain Node.js.
 */
export {};
