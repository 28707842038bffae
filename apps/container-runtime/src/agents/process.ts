import type { ChildProcessWithoutNullStreams } from "node:child_process";
import { signalGroup, spawnGroup, terminate, type GroupRegistry } from "@app-building/types/process";
import type { Redactor } from "../redact.js";

/**
 * How long a line whose end could be the start of a secret waits for the next line (a
 * secret an agent wrapped comes in one write, or two close together): a quiet agent's last
 * line still becomes an event.
 */
export const SPLIT_SECRET_HOLD_MS = 200;

/**
 * Calls `onLine` for each complete line of a stream, and for a last unterminated one at the
 * end. With a redactor, lines are redacted first, a secret split across two lines included:
 * a line that may end with the start of one is held until the next line, the end of the
 * stream, or {@link SPLIT_SECRET_HOLD_MS}, whichever comes first.
 */
export function splitLines(
  stream: NodeJS.ReadableStream,
  onRawLine: (line: string) => void,
  redactor?: Redactor,
): Promise<void> {
  const redacting = redactor?.lines();
  let holdTimer: NodeJS.Timeout | undefined;
  const release = (): void => {
    clearTimeout(holdTimer);
    if (redacting !== undefined) for (const out of redacting.end()) onRawLine(out);
  };
  const onLine =
    redacting === undefined
      ? onRawLine
      : (line: string) => {
          for (const out of redacting.push(line)) onRawLine(out);
        };
  return new Promise((resolve) => {
    let rest = "";
    stream.setEncoding("utf8");
    const takeLines = (chunk: string): void => {
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
    };
    stream.on("data", (chunk: string) => {
      clearTimeout(holdTimer);
      takeLines(chunk);
      if (redacting?.holding === true) {
        holdTimer = setTimeout(release, SPLIT_SECRET_HOLD_MS);
        holdTimer.unref();
      }
    });
    stream.on("end", () => {
      if (rest !== "") onLine(rest);
      release();
      resolve();
    });
    stream.on("error", () => {
      release();
      resolve();
    });
  });
}

/** How an agent process ended. */
export interface AgentExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  spawnError: Error | null;
}

/** An agent CLI leading a process group of its own, with its exit as a promise. */
export interface AgentProcess {
  child: ChildProcessWithoutNullStreams;
  /** Resolves once the process and its output streams ended. */
  exited: Promise<AgentExit>;
  /** Sends a signal to the whole group, while it runs. */
  signal(signal: NodeJS.Signals): void;
  /** SIGTERM to the group, then SIGKILL after `graceMs` to whatever is left, while it runs. */
  terminate(graceMs: number): void;
}

/** What an agent process is spawned with. */
export interface AgentSpawnOptions {
  cwd: string;
  env: Record<string, string>;
  /** Where the group is recorded while it runs (the runtime's one registry, made in `wiring.ts`). */
  groups: GroupRegistry;
  onStdout: (line: string) => void;
  onStderr: (line: string) => void;
  /** Redacts every line before `onStdout`/`onStderr` see it. */
  redactor?: Redactor;
}

/**
 * Spawns `command args` (never through a shell string) as the leader of a new process
 * group, so interrupt, stop and timeout reach every process the agent started; when the
 * agent exits, whatever it left running in its group goes with it.
 */
export function spawnAgent(command: string, args: readonly string[], options: AgentSpawnOptions): AgentProcess {
  const { groups } = options;
  const child = spawnGroup(command, args, {
    cwd: options.cwd,
    env: options.env,
    stdio: ["pipe", "pipe", "pipe"],
    registry: groups,
  });
  const pid = child.pid;
  child.stdin.on("error", () => {
    // the agent closed its stdin; nothing to do
  });
  const out = splitLines(child.stdout, options.onStdout, options.redactor);
  const err = splitLines(child.stderr, options.onStderr, options.redactor);
  const exited = new Promise<AgentExit>((resolve) => {
    let spawnError: Error | null = null;
    let leftovers = Promise.resolve(true);
    child.on("error", (error) => {
      spawnError = error;
      if (pid === undefined) resolve({ code: null, signal: null, spawnError: error });
    });
    child.on("exit", () => {
      // anything the agent left running in its group goes with it (and releases the pipes),
      // at once: the agent that started it is gone
      if (pid !== undefined) leftovers = terminate({ group: pid }, { graceMs: 0 });
    });
    child.on("close", (code, signal) => {
      // The turn ends once nothing of the agent is left, not as soon as its pipes close.
      void Promise.all([out, err, leftovers]).then(() => resolve({ code, signal, spawnError }));
    });
  });
  // Only while the group is recorded: once the agent closed, its pid may be reused.
  return {
    child,
    exited,
    signal: (sig) => {
      if (pid !== undefined && groups.has(pid)) signalGroup(pid, sig);
    },
    terminate: (graceMs) => {
      if (pid !== undefined && groups.has(pid)) void terminate({ group: pid }, { graceMs });
    },
  };
}
