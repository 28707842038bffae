import type { GroupRegistry } from "@app-building/types/process";
import type { Redactor } from "../redact.js";
import { interruptLadder } from "./interrupt.js";
import { spawnAgent } from "./process.js";
import type { AgentAdapter, Turn, TurnInput, TurnResult, TurnSink } from "./types.js";

/** The fields of `codex exec --json` lines the adapter reads. */
interface CodexLine {
  type?: string;
  thread_id?: string;
  item?: { type?: string; text?: string };
  usage?: Record<string, number>;
  error?: { message?: string };
  message?: string;
}

/** Options of the Codex adapter. */
export interface CodexAgentOptions {
  bin: string;
  env: () => Record<string, string>;
  /** Redacts the agent's output before anything reads it. */
  redactor?: Redactor;
  /** Where each turn's process group is recorded while it runs. */
  groups: GroupRegistry;
  /** How long Ctrl-C (SIGINT) has to end the turn (`INTERRUPT_GRACE_MS` by default). */
  interruptGraceMs?: number;
}

/** The arguments of one `codex exec` turn; the prompt goes on stdin (`-`). */
export function codexArgs(input: Pick<TurnInput, "model" | "sessionId">): string[] {
  const common = ["--json", "--skip-git-repo-check", "--dangerously-bypass-approvals-and-sandbox"];
  if (input.model !== null) common.push("--model", input.model);
  return input.sessionId === null ? ["exec", ...common, "-"] : ["exec", "resume", input.sessionId, ...common, "-"];
}

/**
 * Codex CLI in `codex exec --json` mode: one process per turn, `codex exec resume <thread>`
 * to continue the conversation. Each JSONL line is an event; `thread.started` names the
 * session, the last `agent_message` item is the result, `turn.completed` ends the turn
 * (with token usage; Codex reports no cost), `turn.failed` or `error` fail it. Interrupt
 * is Ctrl-C (SIGINT) to the process group, as in a terminal, the first rung of the
 * interrupt ladder.
 */
export function createCodexAgent(options: CodexAgentOptions): AgentAdapter {
  return {
    kind: "codex",
    start(input: TurnInput, sink: TurnSink): Turn {
      const started = Date.now();
      let sessionId = input.sessionId;
      let lastMessage: string | null = null;
      let completedTurns = 0;
      let failure: string | null = null;
      let interrupted = false;
      const stderrTail: string[] = [];
      const proc = spawnAgent(options.bin, codexArgs(input), {
        cwd: input.cwd,
        groups: options.groups,
        env: { ...options.env(), AGENT_MESSAGE_ID: input.id },
        ...(options.redactor === undefined ? {} : { redactor: options.redactor }),
        onStdout: (line) => {
          if (line.trim() === "") return;
          let parsed: CodexLine;
          try {
            parsed = JSON.parse(line) as CodexLine;
          } catch {
            sink.log("stdout", line);
            return;
          }
          sink.agentJson(line);
          if (parsed.type === "thread.started" && typeof parsed.thread_id === "string") {
            sessionId = parsed.thread_id;
            sink.session(sessionId);
          } else if (parsed.type === "item.completed" && parsed.item?.type === "agent_message") {
            lastMessage = parsed.item.text ?? lastMessage;
          } else if (parsed.type === "turn.completed") {
            completedTurns++;
          } else if (parsed.type === "turn.failed") {
            failure = parsed.error?.message ?? "the turn failed";
          } else if (parsed.type === "error") {
            failure = parsed.message ?? parsed.error?.message ?? "Codex reported an error";
          }
        },
        onStderr: (line) => {
          sink.log("stderr", line);
          stderrTail.push(line);
          if (stderrTail.length > 20) stderrTail.shift();
        },
      });
      proc.child.stdin.end(input.prompt);
      const done = proc.exited.then(({ code, signal, spawnError }): TurnResult => {
        const base = {
          result: lastMessage,
          costUsd: null,
          durationMs: Date.now() - started,
          numTurns: completedTurns === 0 ? null : completedTurns,
          sessionId,
        };
        if (interrupted) return { ...base, status: "interrupted", error: "interrupted" };
        if (spawnError !== null)
          return { ...base, status: "error", error: `could not start Codex (${options.bin}): ${spawnError.message}` };
        if (failure !== null) return { ...base, status: "error", error: failure };
        if (code === 0 && completedTurns > 0) return { ...base, status: "done", error: null };
        const why = code === null ? `was killed by ${signal ?? "a signal"}` : `exited with code ${code}`;
        const tail = stderrTail.length > 0 ? `: ${stderrTail.slice(-5).join(" | ")}` : "";
        return { ...base, status: "error", error: `Codex ${why} without completing the turn${tail}` };
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
