import { readFileSync } from "node:fs";
import { liveMembers, readStat, terminate } from "@app-building/types/process";

/**
 * Stops every process of a build's session: SIGTERM to each, then SIGKILL to whatever is
 * left after `graceMs`, processes that appeared meanwhile included. A build runs in a
 * session of its own (turbo, spawned `detached`, is its leader) and turbo puts each task
 * in a process group of its own inside it, so the session, not turbo's group, is what
 * holds every process of the build.
 *
 * @returns whether the session is empty (false when something survived SIGKILL for 5 s).
 */
export function killSession(sid: number, graceMs: number): Promise<boolean> {
  return terminate({ session: sid }, { graceMs });
}

/**
 * Whether a pid still looks like the build a crashed server left behind: its command
 * line names turbo, or the process is gone but its session still has members.
 */
export function looksLikeOrphanedBuild(sid: number): boolean {
  let cmdline: string | undefined;
  try {
    cmdline = readFileSync(`/proc/${sid}/cmdline`, "utf8");
  } catch {
    cmdline = undefined;
  }
  if (cmdline !== undefined && cmdline !== "") return cmdline.includes("turbo") && readStat(sid)?.session === sid;
  return liveMembers({ session: sid }).length > 0;
}
