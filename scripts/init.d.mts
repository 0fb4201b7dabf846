/** Types for scripts/init.mjs (adds the library to another Next.js app), for TypeScript tests and tools. */
export declare const PEER_PACKAGES: readonly string[];
export declare const LIBRARY_PACKAGES: readonly string[];

export interface InitOptions {
  /** The Next.js app's root folder (where its package.json is). */
  target: string;
  /** Paths the middleware sends anonymous visitors of to log in. */
  protect?: string[];
  /** Replace lib/auth and route files that differ (never the layout, middleware or instrumentation). */
  force?: boolean;
  /** Write nothing; only report. */
  dryRun?: boolean;
}

export type FileResult = "created" | "unchanged" | "overwritten" | "kept";

export interface InitReport {
  root: string;
  /** The app keeps its code under src/. */
  srcDir: boolean;
  /** Paths relative to root, with what happened to each. */
  files: Array<{ path: string; result: FileResult }>;
  /** The next steps, to do by hand. */
  steps: string[];
  warnings: string[];
}

export function initApp(options: InitOptions): InitReport;
export function formatReport(report: InitReport, dryRun?: boolean): string;
/** The middleware.ts that init writes: `lib` is the import path of lib/auth, `protect` the protected paths. */
export function middlewareSource(lib: string, protect: string[]): string;
