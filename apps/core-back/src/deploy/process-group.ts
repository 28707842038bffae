import { readdirSync, readFileSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";

/**
 * The live (not zombie) processes of a process group, read from /proc. A group whose
 * leader died can still hold children, and orphans that nobody reaped yet are zombies
 * that no signal can touch: neither counts as alive.
 */
export function groupMembers(pgid: number): number[] {
  let entries: string[];
  try {
    entries = readdirSync("/proc");
  } catch {
    return signalGroup(pgid, 0) ? [pgid] : [];
  }
  const members: number[] = [];
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, "utf8");
    } catch {
      continue;
    }
    // Fields after the command name (which may hold spaces): state ppid pgrp ...
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    if (fields[0] !== "Z" && Number(fields[2]) === pgid) members.push(Number(entry));
  }
  return members;
}

/** Sends a signal to a whole process group; false when the group no longer exists. */
export function signalGroup(pgid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

async function waitGone(pgid: number, withinMs: number): Promise<boolean> {
  const deadline = Date.now() + withinMs;
  while (groupMembers(pgid).length > 0) {
    if (Date.now() >= deadline) return false;
    await sleep(25);
  }
  return true;
}

/**
 * Stops every process of a group: SIGTERM, then SIGKILL for whatever is left after
 * `graceMs`. Resolves once no live member remains (or gives up after 5 s of SIGKILL).
 *
 * @returns whether the group is gone.
 */
export async function killGroup(pgid: number, graceMs: number): Promise<boolean> {
  // The cheap check first: after a normal exit the group is usually gone entirely, and
  // scanning /proc costs milliseconds on every deploy.
  if (!signalGroup(pgid, 0) || groupMembers(pgid).length === 0) return true;
  signalGroup(pgid, "SIGTERM");
  if (await waitGone(pgid, graceMs)) return true;
  signalGroup(pgid, "SIGKILL");
  return waitGone(pgid, 5000);
}

/**
 * Whether a pid still looks like the build a crashed server left behind: its command
 * line names turbo, or the process is gone but its group still has members.
 */
export function looksLikeOrphanedBuild(pgid: number): boolean {
  let cmdline: string | undefined;
  try {
    cmdline = readFileSync(`/proc/${pgid}/cmdline`, "utf8");
  } catch {
    cmdline = undefined;
  }
  if (cmdline !== undefined && cmdline !== "") return cmdline.includes("turbo");
  return groupMembers(pgid).length > 0;
}
