import type { GroupRegistry } from "@app-building/types/process";
import type { Redactor } from "../redact.js";
import { interruptLadder } from "./interrupt.js";
import { spawnAgent } from "./process.js";
import type { AgentAdapter, Turn, TurnInput, TurnResult, TurnSink } from "./types.js";

/** The longest result text kept from a command's plain output. */
const MAX_RESULT = 16 * 1024;

/**
 * Parses `AGENT_COMMAND`: a JSON array of strings is the argv itself; anything else is a
 * shell command line run by `/bin/sh -c` with the prompt as `$1`; a command line that does
 * not mention `$1`, `$@` or `$*` gets `"$@"` appended, so `aider --message` just works.
 */
export function parseAgentCommand(command: string): { file: string; args: string[] } {
  const trimmed = command.trim();
  if (trimmed.startsWith("[")) {
    const parsed: unknown = JSON.parse(trimmed);
    if (!Array.isArray(parsed) || parsed.length === 0 || !parsed.every((part) => typeof part === "string")) {
      throw new Error("AGENT_COMMAND as JSON must be a non-empty array of strings");
    }
    const [file, ...args] = parsed;
    return { file: file as string, args };
  }
  const usesArgs = /\$(\{?[1@*])/.test(trimmed);
  return { file: "/bin/sh", args: ["-c", usesArgs ? trimmed : `${trimmed} "$@"`, "agent"] };
}

/**
 * How the prompt reaches a command agent:
 * - `auto` (the default): on stdin. For a shell command line the runtime's shell reads it
 *   from stdin into `$1` before the line runs, so `echo "$1"` and appended `"$@"` work as
 *   before while no process gets the prompt in its argv (`ps` shows argv to every user).
 *   A JSON argv gets it as its last argument, as documented for that form.
 * - `arg`: as the last argument (`$1` of a shell line): visible in `ps`.
 * - `stdin`: written to stdin, then stdin closes; `$1` stays empty.
 */
export type PromptMode = "auto" | "arg" | "stdin";

/** Reads all of stdin into `$1` (trailing newlines kept), then runs the agent's line. */
const PROMPT_FROM_STDIN = '__prompt=$(cat; printf x); set -- "${__prompt%x}"; unset __prompt; ';

/** The argv of one turn, and whether the prompt goes on stdin. */
function commandInvocation(
  command: string,
  mode: PromptMode,
  prompt: string,
): { file: string; args: string[]; stdin: string } {
  const { file, args } = parseAgentCommand(command);
  const shellLine = !command.trim().startsWith("[");
  if (mode === "stdin") return { file, args, stdin: prompt };
  if (mode === "auto" && shellLine) {
    const [flag, line, name] = args;
    return { file, args: [flag ?? "-c", `${PROMPT_FROM_STDIN}${line ?? ""}`, name ?? "agent"], stdin: prompt };
  }
  return { file, args: [...args, prompt], stdin: "" };
}

/** Options of the generic command adapter. */
export interface CommandAgentOptions {
  command: string;
  /** How the prompt reaches the command (see {@link PromptMode}). */
  promptMode: PromptMode;
  /** The agent's environment, read at each turn. */
  env: () => Record<string, string>;
  /** Redacts the agent's output before anything reads it. */
  redactor?: Redactor;
  /** Where each turn's process group is recorded while it runs. */
  groups: GroupRegistry;
  /** How long Ctrl-C (SIGINT) has to end the turn (`INTERRUPT_GRACE_MS` by default). */
  interruptGraceMs?: number;
}

function isJsonObjectLine(line: string): boolean {
  if (line.charCodeAt(0) !== 123 /* { */) return false;
  try {
    const value: unknown = JSON.parse(line);
    return value !== null && typeof value === "object" && !Array.isArray(value);
  } catch {
    return false;
  }
}

/** What a command said about its turn in a `{"type":"result",...}` line (Claude Code's shape). */
interface ReportedResult {
  result: string | null;
  costUsd: number | null;
  numTurns: number | null;
  sessionId: string | null;
}

/** Reads a `{"type":"result",...}` line; null for any other JSON line. */
function readResultLine(line: string): ReportedResult | null {
  const value = JSON.parse(line) as {
    type?: unknown;
    result?: unknown;
    total_cost_usd?: unknown;
    num_turns?: unknown;
    session_id?: unknown;
  };
  if (value.type !== "result") return null;
  return {
    result: typeof value.result === "string" ? value.result : null,
    costUsd: typeof value.total_cost_usd === "number" && value.total_cost_usd >= 0 ? value.total_cost_usd : null,
    numTurns:
      Number.isInteger(value.num_turns) && (value.num_turns as number) >= 0 ? (value.num_turns as number) : null,
    sessionId: typeof value.session_id === "string" && value.session_id !== "" ? value.session_id : null,
  };
}

/**
 * Any CLI given a prompt: each stdout line becomes an event (JSON object lines as they
 * are, other lines as `{type:"text", text}`), stderr goes to the logs, and exit code 0
 * means done. The result is the last `{"type":"result","result":...}` line if the command
 * prints one, else its plain output; that line's `total_cost_usd`, `num_turns` and
 * `session_id` are kept as the turn's cost, turn count and session.
 */
export function createCommandAgent(options: CommandAgentOptions): AgentAdapter {
  parseAgentCommand(options.command); // a bad AGENT_COMMAND fails here, not at the first turn
  return {
    kind: "command",
    start(input: TurnInput, sink: TurnSink): Turn {
      const started = Date.now();
      let text = "";
      let reported: ReportedResult = { result: null, costUsd: null, numTurns: null, sessionId: null };
      let interrupted = false;
      const stderrTail: string[] = [];
      const { file, args, stdin } = commandInvocation(options.command, options.promptMode, input.prompt);
      const proc = spawnAgent(file, args, {
        cwd: input.cwd,
        groups: options.groups,
        env: { ...options.env(), AGENT_MESSAGE_ID: input.id },
        ...(options.redactor === undefined ? {} : { redactor: options.redactor }),
        onStdout: (line) => {
          if (isJsonObjectLine(line)) {
            sink.agentJson(line);
            if (line.includes('"result"')) {
              const seen = readResultLine(line);
              if (seen !== null) {
                reported = seen;
                if (seen.sessionId !== null) sink.session(seen.sessionId);
              }
            }
          } else {
            sink.agentEvent({ type: "text", text: line });
            if (text.length < MAX_RESULT) text += (text === "" ? "" : "\n") + line;
          }
        },
        onStderr: (line) => {
          sink.log("stderr", line);
          stderrTail.push(line);
          if (stderrTail.length > 20) stderrTail.shift();
        },
      });
      proc.child.stdin.end(stdin);
      const done = proc.exited.then(({ code, signal, spawnError }): TurnResult => {
        const base = {
          result: reported.result ?? (text === "" ? null : text.slice(0, MAX_RESULT)),
          costUsd: reported.costUsd,
          durationMs: Date.now() - started,
          numTurns: reported.numTurns,
          sessionId: reported.sessionId,
        };
        if (interrupted) return { ...base, status: "interrupted", error: "interrupted" };
        if (spawnError !== null)
          return { ...base, status: "error", error: `could not start the agent: ${spawnError.message}` };
        if (code === 0) return { ...base, status: "done", error: null };
        const why = code === null ? `was killed by ${signal ?? "a signal"}` : `exited with code ${code}`;
        const tail = stderrTail.length > 0 ? `: ${stderrTail.join("\n")}` : "";
        return { ...base, status: "error", error: `the agent ${why}${tail}` };
      });
      return {
        done,
        interrupt: () => {
          if (interrupted) return;
          interrupted = true;
          interruptLadder(proc, () => proc.signal("SIGINT"), { graceMs: options.interruptGraceMs });
        },
      };
    },
  };
}
