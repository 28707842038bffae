import { readFileSync, readdirSync } from "node:fs";

/**
 * One process as `/proc/<pid>/stat` describes it: the fields the process-group helpers
 * read. `state` is the one-letter state (`R`, `S`, `Z` for a zombie, ...).
 *
 * @example
 * ```ts
 * import { readStat } from "@app-building/types/process";
 * const stat = readStat(process.pid);
 * console.log(stat?.pgrp, stat?.session); // this process's group and session
 * ```
 */
export interface ProcStat {
  pid: number;
  state: string;
  ppid: number;
  pgrp: number;
  session: number;
}

/** The one parser of `/proc/<pid>/stat`; the command name may hold spaces and parentheses. */
function parseStat(pid: number, text: string): ProcStat | undefined {
  // Fields after the command name: state ppid pgrp session ...
  const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
  const [state, ppid, pgrp, session] = fields;
  if (state === undefined || session === undefined) return undefined;
  return { pid, state, ppid: Number(ppid), pgrp: Number(pgrp), session: Number(session) };
}

/**
 * What `/proc` says about a process: `undefined` when it is gone or there is no `/proc`
 * (macOS).
 *
 * @example
 * ```ts
 * import { readStat } from "@app-building/types/process";
 * const pid = Number(process.argv[2]);
 * const leadsItsGroup = readStat(pid)?.pgrp === pid;
 * ```
 */
export function readStat(pid: number): ProcStat | undefined {
  try {
    return parseStat(pid, readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return undefined;
  }
}

/**
 * A process's arguments as `/proc/<pid>/cmdline` holds them: `undefined` when it is gone
 * or there is no `/proc` (macOS), and `[]` for a zombie (its memory is already freed).
 *
 * @example
 * ```ts
 * import { readCommandLine } from "@app-building/types/process";
 * const pid = Number(process.argv[2]);
 * const runsTurbo = readCommandLine(pid)?.some((arg) => arg.includes("turbo")) ?? false;
 * ```
 */
export function readCommandLine(pid: number): string[] | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/cmdline`, "utf8");
  } catch {
    return undefined;
  }
  // Arguments end in NUL; a process that rewrote its title may drop the last one.
  return text === "" ? [] : text.replace(/\0$/, "").split("\0");
}

/**
 * Every process `/proc` lists, zombies included; `undefined` when there is no `/proc`.
 *
 * @example
 * ```ts
 * import { listProcesses } from "@app-building/types/process";
 * const zombies = listProcesses()?.filter((proc) => proc.state === "Z") ?? [];
 * ```
 */
export function listProcesses(): ProcStat[] | undefined {
  let entries: string[];
  try {
    entries = readdirSync("/proc");
  } catch {
    return undefined;
  }
  const processes: ProcStat[] = [];
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readStat(Number(entry));
    if (stat !== undefined) processes.push(stat);
  }
  return processes;
}
