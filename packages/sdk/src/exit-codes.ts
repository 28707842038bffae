/**
 * The exit codes of the `app-building` CLI, for scripts that run it. A library module
 * (the CLI imports it, never the other way round), so importing the SDK never loads the CLI.
 *
 * @example
 * ```ts
 * import { spawnSync } from "node:child_process";
 * import { EXIT_CODES } from "@app-building/sdk";
 * const result = spawnSync("app-building", ["status", "my-agent"], { stdio: "inherit" });
 * if (result.status === EXIT_CODES.notFound) console.log("no such container");
 * ```
 */
export const EXIT_CODES = {
  ok: 0,
  failure: 1,
  usage: 2,
  notFound: 3,
  auth: 4,
  gone: 5,
  config: 6,
  timeout: 7,
  startFailed: 8,
} as const;
