import { readdirSync, readFileSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";

/** One live process as /proc describes it. */
interface ProcStat {
  pid: number;
  pgrp: number;
  session: number;
}

/**
 * Every live (not zombie) process, read from /proc. Orphans that nobody reaped yet are
 * zombies that no signal can touch: they do not count as alive.
 */
function liveProcesses(): ProcStat[] | undefined {
  let entries: string[];
  try {
    entries = readdirSync("/proc");
  } catch {
    return undefined;
  }
  const processes: ProcStat[] = [];
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, "utf8");
    } catch {
      continue;
    }
    // Fields after the command name (which may hold spaces): state ppid pgrp session ...
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    if (fields[0] === "Z") continue;
    processes.push({ pid: Number(entry), pgrp: Number(fields[2]), session: Number(fields[3]) });
  }
  return processes;
}

/**
 * The live processes of a session, read from /proc. A build runs in a session of its own
 * (turbo is its leader) and turbo puts each task in a process group of its own inside
 * it, so the session, not turbo's group, is what holds every process of the build.
 */
export function sessionMembers(sid: number): number[] {
  const processes = liveProcesses();
  if (processes === undefined) return signalGroup(sid, 0) ? [sid] : [];
  return processes.filter((proc) => proc.session === sid).map((proc) => proc.pid);
}

/** The session a process belongs to, or `undefined` when it is gone. */
export function sessionOf(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[3]);
  } catch {
    return undefined;
  }
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

/**
 * Sends a signal to every process of a session (there is no kill(2) for a session).
 *
 * @returns how many processes it was sent to.
 */
export function signalSession(sid: number, signal: NodeJS.Signals): number {
  let sent = 0;
  for (const pid of sessionMembers(sid)) {
    try {
      process.kill(pid, signal);
      sent += 1;
    } catch {
      // Gone between the listing and the signal.
    }
  }
  return sent;
}

async function waitGone(members: () => number[], withinMs: number): Promise<boolean> {
  const deadline = Date.now() + withinMs;
  while (members().length > 0) {
    if (Date.now() >= deadline) return false;
    await sleep(25);
  }
  return true;
}

/**
 * Stops every process of a session (a build): SIGTERM to each, then SIGKILL to whatever
 * is left after `graceMs`, including processes that appeared meanwhile. Resolves once no
 * live member remains (or gives up after 5 s of SIGKILL).
 *
 * @returns whether the session is empty.
 */
export async function killSession(sid: number, graceMs: number): Promise<boolean> {
  if (sessionMembers(sid).length === 0) return true;
  signalSession(sid, "SIGTERM");
  if (await waitGone(() => sessionMembers(sid), graceMs)) return true;
  const deadline = Date.now() + 5000;
  // A process forking while we signal can add members: signal until none is left.
  while (signalSession(sid, "SIGKILL") > 0) {
    if (await waitGone(() => sessionMembers(sid), 250)) return true;
    if (Date.now() >= deadline) return false;
  }
  return true;
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
  if (cmdline !== undefined && cmdline !== "") return cmdline.includes("turbo") && sessionOf(sid) === sid;
  return sessionMembers(sid).length > 0;
}
