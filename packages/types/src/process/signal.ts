import { listProcesses } from "./stat.js";

/**
 * A set of processes signalled as one: a process group (`kill(-pgid)`), or a whole
 * session (every member, one by one: there is no kill(2) for a session). A process spawned
 * `detached` leads both a new group and a new session, with its pid as their id; a tool
 * that puts its children in groups of their own (turbo does) keeps them in its session.
 *
 * @example
 * ```ts
 * import { spawnGroup, terminate, type ProcessSet } from "@app-building/types/process";
 * const agent = spawnGroup("claude", ["-p", "Add a README"], { stdio: "inherit" });
 * const turbo = spawnGroup("npx", ["turbo", "run", "build"], { stdio: "inherit" });
 * const agentSet: ProcessSet = { group: agent.pid! };
 * // turbo puts each task in a group of its own; all of them stay in its session.
 * const buildSet: ProcessSet = { session: turbo.pid! };
 * await Promise.all([terminate(agentSet, { graceMs: 5_000 }), terminate(buildSet, { graceMs: 5_000 })]);
 * ```
 */
export type ProcessSet = { group: number } | { session: number };

/**
 * Sends a signal to a whole process group; `false` when the group no longer exists.
 * Signal 0 only checks that it does.
 *
 * @example
 * ```ts
 * import { signalGroup, spawnGroup } from "@app-building/types/process";
 * const child = spawnGroup("npm", ["run", "dev"], { stdio: "inherit" });
 * process.once("SIGINT", () => signalGroup(child.pid!, "SIGINT")); // Ctrl-C reaches the whole group
 * ```
 */
export function signalGroup(pgid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * The live (not zombie) members of a group or a session, read from `/proc`. Without
 * `/proc` a group (or a session's leader group) that answers signal 0 counts as its id.
 *
 * @example
 * ```ts
 * import { liveMembers, spawnGroup } from "@app-building/types/process";
 * const build = spawnGroup("npx", ["turbo", "run", "build"], { stdio: "ignore" });
 * console.log(`${liveMembers({ session: build.pid! }).length} processes of the build are running`);
 * ```
 */
export function liveMembers(set: ProcessSet): number[] {
  const id = "group" in set ? set.group : set.session;
  const processes = listProcesses();
  if (processes === undefined) return signalGroup(id, 0) ? [id] : [];
  return processes
    .filter((proc) => proc.state !== "Z" && ("group" in set ? proc.pgrp === id : proc.session === id))
    .map((proc) => proc.pid);
}

/**
 * Sends a signal to every process of a set.
 *
 * @returns how many processes it reached: for a group, 1 when the group exists and 0 when
 *   it is gone; for a session, how many members were signalled.
 * @example
 * ```ts
 * import { signalSet, spawnGroup } from "@app-building/types/process";
 * const build = spawnGroup("npx", ["turbo", "run", "build"], { stdio: "ignore" });
 * process.once("SIGTERM", () => {
 *   if (signalSet({ session: build.pid! }, "SIGTERM") === 0) console.log("the build had already ended");
 * });
 * ```
 */
export function signalSet(set: ProcessSet, signal: NodeJS.Signals): number {
  if ("group" in set) return liveMembers(set).length > 0 && signalGroup(set.group, signal) ? 1 : 0;
  let sent = 0;
  for (const pid of liveMembers(set)) {
    try {
      process.kill(pid, signal);
      sent += 1;
    } catch {
      // Gone between the listing and the signal.
    }
  }
  return sent;
}
