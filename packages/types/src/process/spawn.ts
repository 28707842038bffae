import {
  spawn,
  type ChildProcess,
  type ChildProcessWithoutNullStreams,
  type SpawnOptions,
  type SpawnOptionsWithoutStdio,
} from "node:child_process";
import type { GroupRegistry } from "./registry.js";

/**
 * What `spawnGroup` adds to Node's spawn options.
 *
 * @example
 * ```ts
 * import type { SpawnOptions } from "node:child_process";
 * import { createGroupRegistry, spawnGroup, type SpawnGroupOptions } from "@app-building/types/process";
 * const groups = createGroupRegistry();
 * const options: SpawnOptions & SpawnGroupOptions = { stdio: "inherit", registry: groups };
 * spawnGroup("npm", ["test"], options);
 * process.on("exit", () => groups.killAll()); // nothing it started outlives this program
 * ```
 */
export interface SpawnGroupOptions {
  /** Where the new group is recorded while it lives (see `createGroupRegistry`). */
  registry?: GroupRegistry;
}

/**
 * Spawns `command args` (never through a shell string) as the leader of a new session and
 * process group (`detached`), whose id is the child's pid, so a signal or `terminate`
 * reaches every process it starts. With a `registry`, the group is recorded there until
 * the child's stdio closes.
 *
 * @example
 * ```ts
 * import { createGroupRegistry, spawnGroup, terminate } from "@app-building/types/process";
 * const groups = createGroupRegistry();
 * const child = spawnGroup("node", ["server.js"], { cwd: "/srv/app", stdio: "ignore", registry: groups });
 * await terminate({ group: child.pid! }, { graceMs: 5_000 });
 * ```
 */
export function spawnGroup(
  command: string,
  args: readonly string[],
  options: SpawnOptionsWithoutStdio & SpawnGroupOptions,
): ChildProcessWithoutNullStreams;
export function spawnGroup(
  command: string,
  args: readonly string[],
  options: SpawnOptions & SpawnGroupOptions,
): ChildProcess;
export function spawnGroup(
  command: string,
  args: readonly string[],
  options: SpawnOptions & SpawnGroupOptions,
): ChildProcess {
  const { registry, ...spawnOptions } = options;
  const child = spawn(command, args, { ...spawnOptions, detached: true });
  const pgid = child.pid;
  if (registry !== undefined && pgid !== undefined) {
    registry.add(pgid);
    child.once("close", () => registry.delete(pgid));
  }
  return child;
}
