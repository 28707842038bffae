import { setTimeout as sleep } from "node:timers/promises";
import { liveMembers, signalSet, type ProcessSet } from "./signal.js";

/**
 * How long `terminate` repeats SIGKILL (a process forking meanwhile adds members) before
 * it gives up, unless told otherwise.
 *
 * @example
 * ```ts
 * import { KILL_WITHIN_MS, spawnGroup, terminate } from "@app-building/types/process";
 * const build = spawnGroup("npx", ["turbo", "run", "build"], { stdio: "ignore" });
 * // A build that forks fast: repeat SIGKILL for twice as long before giving up.
 * await terminate({ session: build.pid! }, { graceMs: 2_000, killWithinMs: 2 * KILL_WITHIN_MS });
 * ```
 */
export const KILL_WITHIN_MS = 5_000;

/** How often the set is looked at again while it has members: backing off up to this. */
const MAX_POLL_MS = 100;

/**
 * How the ladder starts and how long each rung waits.
 *
 * @example
 * ```ts
 * import { spawnGroup, terminate, type TerminateOptions } from "@app-building/types/process";
 * const agent = spawnGroup("claude", ["-p", "Add a README"], { stdio: "inherit" });
 * const ctrlC: TerminateOptions = { signal: "SIGINT", graceMs: 10_000 };
 * await terminate({ group: agent.pid! }, ctrlC);
 * ```
 */
export interface TerminateOptions {
  /** The first signal: SIGTERM (the default) to stop, SIGINT for Ctrl-C, as in a terminal. */
  signal?: "SIGTERM" | "SIGINT";
  /** How long the first signal has to end every member before SIGKILL. */
  graceMs: number;
  /** How long SIGKILL is repeated until nothing is left; {@link KILL_WITHIN_MS} by default. */
  killWithinMs?: number;
}

async function waitGone(set: ProcessSet, withinMs: number): Promise<boolean> {
  const deadline = Date.now() + withinMs;
  let delay = 10;
  while (liveMembers(set).length > 0) {
    const left = deadline - Date.now();
    if (left <= 0) return false;
    await sleep(Math.min(delay, left));
    delay = Math.min(delay * 2, MAX_POLL_MS);
  }
  return true;
}

/**
 * The one escalation ladder: the first signal (SIGTERM or SIGINT) to every member, then
 * SIGKILL to whatever is left after `graceMs` (members that appeared meanwhile included),
 * repeated until no live member remains or `killWithinMs` passed.
 *
 * @returns whether the set is empty at the end; a set that is already empty is not signalled.
 * @example
 * ```ts
 * import { spawnGroup, terminate } from "@app-building/types/process";
 * const child = spawnGroup("sh", ["-c", "sleep 60 & sleep 60"], { stdio: "ignore" });
 * const gone = await terminate({ group: child.pid! }, { graceMs: 2_000 });
 * if (!gone) console.error("something of the group survived SIGKILL");
 * ```
 */
export async function terminate(set: ProcessSet, options: TerminateOptions): Promise<boolean> {
  if (signalSet(set, options.signal ?? "SIGTERM") === 0) return true;
  if (await waitGone(set, options.graceMs)) return true;
  const deadline = Date.now() + (options.killWithinMs ?? KILL_WITHIN_MS);
  while (signalSet(set, "SIGKILL") > 0) {
    if (await waitGone(set, 250)) return true;
    if (Date.now() >= deadline) return false;
  }
  return true;
}
