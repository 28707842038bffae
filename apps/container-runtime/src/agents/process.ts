import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import type { Redactor } from "../redact.js";

/** Every agent process group still alive, so the runtime can leave no orphan behind. */
const liveGroups = new Set<number>();
let registryFile: string | null = null;

function saveRegistry(): void {
  if (registryFile === null) return;
  try {
    writeFileSync(registryFile, JSON.stringify([...liveGroups]), { mode: 0o600 });
  } catch {
    // best effort: the registry only helps clean up after a crash
  }
}

/** Whether `pid` still leads its own process group (so it is ours, not a reused pid). */
function leadsGroup(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return Number(fields[2]) === pid;
  } catch {
    return false;
  }
}

/**
 * Records live agent process groups in `file`, and first kills any group a previous,
 * crashed runtime left there (a `kill -9` of the runtime cannot take its agent with it).
 * Returns how many leftover groups were killed.
 */
export function useGroupRegistry(file: string): number {
  let killed = 0;
  try {
    const previous = JSON.parse(readFileSync(file, "utf8")) as unknown;
    if (Array.isArray(previous)) {
      for (const pid of previous) {
        if (typeof pid === "number" && pid > 1 && leadsGroup(pid)) {
          signalGroup(pid, "SIGKILL");
          killed++;
        }
      }
    }
  } catch {
    // no registry yet
  }
  registryFile = file;
  saveRegistry();
  return killed;
}

/** Kills every agent process group still alive (at exit). */
export function killAllAgentGroups(): void {
  for (const pid of liveGroups) signalGroup(pid, "SIGKILL");
}

/** Signals a whole process group; a group already gone is fine. */
export function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // the group is gone already
  }
}

/**
 * Calls `onLine` for each complete line of a stream, and for a last unterminated one at the
 * end. With a redactor, lines are redacted first, a secret split across two lines included.
 */
export function splitLines(
  stream: NodeJS.ReadableStream,
  onRawLine: (line: string) => void,
  redactor?: Redactor,
): Promise<void> {
  const redacting = redactor?.lines();
  const onLine =
    redacting === undefined
      ? onRawLine
      : (line: string) => {
          for (const out of redacting.push(line)) onRawLine(out);
        };
  const finish = (): void => {
    if (redacting !== undefined) for (const out of redacting.end()) onRawLine(out);
  };
  return new Promise((resolve) => {
    let rest = "";
    stream.setEncoding("utf8");
    stream.on("data", (chunk: string) => {
      let start = 0;
      let index = chunk.indexOf("\n");
      if (index === -1) {
        rest += chunk;
        return;
      }
      let head = rest + chunk.slice(0, index);
      rest = "";
      onLine(head.endsWith("\r") ? head.slice(0, -1) : head);
      start = index + 1;
      while ((index = chunk.indexOf("\n", start)) !== -1) {
        head = chunk.slice(start, index);
        onLine(head.endsWith("\r") ? head.slice(0, -1) : head);
        start = index + 1;
      }
      rest = chunk.slice(start);
    });
    stream.on("end", () => {
      if (rest !== "") onLine(rest);
      finish();
      resolve();
    });
    stream.on("error", () => {
      finish();
      resolve();
    });
  });
}

/** A child process in its own process group, with its exit as a promise. */
export interface GroupProcess {
  child: ChildProcessWithoutNullStreams;
  /** Resolves with the exit code (or null) and signal once the process and its output streams ended. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; spawnError: Error | null }>;
  /** Sends a signal to the whole group. */
  signal(signal: NodeJS.Signals): void;
  /** SIGTERM the group, then SIGKILL after `graceMs` if anything is left. */
  terminate(graceMs?: number): void;
}

/**
 * Spawns `command args` (never through a shell string) as the leader of a new process
 * group, so interrupt, stop and timeout reach every process the agent started.
 */
export function spawnGroup(
  command: string,
  args: readonly string[],
  options: {
    cwd: string;
    env: Record<string, string>;
    onStdout: (line: string) => void;
    onStderr: (line: string) => void;
    /** Redacts every line before `onStdout`/`onStderr` see it. */
    redactor?: Redactor;
  },
): GroupProcess {
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: options.env,
    detached: true,
    stdio: ["pipe", "pipe", "pipe"],
  });
  const pid = child.pid;
  if (pid !== undefined) {
    liveGroups.add(pid);
    saveRegistry();
  }
  child.stdin.on("error", () => {
    // the agent closed its stdin; nothing to do
  });
  const out = splitLines(child.stdout, options.onStdout, options.redactor);
  const err = splitLines(child.stderr, options.onStderr, options.redactor);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; spawnError: Error | null }>(
    (resolve) => {
      let spawnError: Error | null = null;
      child.on("error", (error) => {
        spawnError = error;
        if (pid === undefined) resolve({ code: null, signal: null, spawnError: error });
      });
      child.on("exit", () => {
        // anything the agent left running in its group goes with it (and releases the pipes)
        if (pid !== undefined) signalGroup(pid, "SIGKILL");
      });
      child.on("close", (code, signal) => {
        void Promise.all([out, err]).then(() => {
          if (pid !== undefined) {
            liveGroups.delete(pid);
            saveRegistry();
          }
          resolve({ code, signal, spawnError });
        });
      });
    },
  );
  const signal = (sig: NodeJS.Signals): void => {
    if (pid !== undefined && liveGroups.has(pid)) signalGroup(pid, sig);
  };
  const terminate = (graceMs = 5000): void => {
    signal("SIGTERM");
    const timer = setTimeout(() => signal("SIGKILL"), graceMs);
    timer.unref();
    void exited.then(() => clearTimeout(timer));
  };
  return { child, exited, signal, terminate };
}
