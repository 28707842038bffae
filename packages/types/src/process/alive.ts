import { existsSync } from "node:fs";
import { readStat } from "./stat.js";

/** Whether `kill(pid, 0)` finds the process; EPERM (another user's) still means it is there. */
function answersSignalZero(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Whether a process is alive: it exists and is not a zombie (an exited process nobody
 * reaped yet, which no signal can touch). Without `/proc` (macOS) existing is enough.
 *
 * @example
 * ```ts
 * import { readFileSync } from "node:fs";
 * import { isAlive } from "@app-building/types/process";
 * const owner = Number(readFileSync("/srv/agents/build.lock", "utf8")); // the pid that took the lock
 * if (!isAlive(owner)) console.log("the lock's owner is gone: take the lock over");
 * ```
 */
export function isAlive(pid: number): boolean {
  if (!answersSignalZero(pid)) return false;
  const stat = readStat(pid);
  if (stat === undefined) return !existsSync("/proc/self/stat");
  return stat.state !== "Z";
}
