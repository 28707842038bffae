import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import type { GroupRegistry } from "@app-building/types/process";
import type { Redactor } from "../redact.js";
import { interruptLadder } from "./interrupt.js";
import { spawnAgent } from "./process.js";
import type { AgentAdapter, Turn, TurnInput, TurnResult, TurnSink } from "./types.js";

/** The pinned Claude Code CLI the runtime depends on, or `claude` on PATH when it is not installed. */
export function defaultClaudeBin(): string {
  try {
    const manifest = createRequire(import.meta.url).resolve("@anthropic-ai/claude-code/package.json");
    const bin = (JSON.parse(readFileSync(manifest, "utf8")) as { bin?: { claude?: string } }).bin?.claude;
    const path = join(dirname(manifest), bin ?? "bin/claude.exe");
    if (existsSync(path)) return path;
  } catch {
    // not installed next to the runtime
  }
  return "claude";
}

/**
 * The environment Claude Code runs with. The runtime always passes
 * `--dangerously-skip-permissions`, which Claude Code refuses as root unless it is told it
 * runs in a sandbox; the agent's container is that sandbox, so as root `IS_SANDBOX=1` is
 * added unless the environment already sets it.
 */
export function claudeEnv(
  base: Record<string, string>,
  uid: number | undefined = process.getuid?.(),
): Record<string, string> {
  return uid === 0 && base.IS_SANDBOX === undefined ? { ...base, IS_SANDBOX: "1" } : base;
}

/** The fields of Claude Code's stream-json lines the adapter reads. */
interface ClaudeLine {
  type?: string;
  subtype?: string;
  session_id?: string;
  is_error?: boolean;
  result?: string;
  total_cost_usd?: number;
  num_turns?: number;
  duration_ms?: number;
}

/** Options of the Claude Code adapter. */
export interface ClaudeAgentOptions {
  bin: string;
  env: () => Record<string, string>;
  /** Redacts the agent's output before anything reads it. */
  redactor?: Redactor;
  /** Where each turn's process group is recorded while it runs. */
  groups: GroupRegistry;
  /** How long the `interrupt` control request has to end the turn (`INTERRUPT_GRACE_MS` by default). */
  interruptGraceMs?: number;
}

/** Stderr lines kept for an error message. */
const STDERR_TAIL = 20;

/** What Claude Code prints when `--resume` names a session it does not have. */
const UNKNOWN_SESSION = /No conversation found with session ID/i;

/**
 * Claude Code in print mode with stream-json in and out: one process per turn, the prompt
 * sent as a stream-json user message on stdin, `--resume <session>` to continue the same
 * conversation. Every output line is an event; `system/init` names the session, `result`
 * gives the outcome, cost and turns. Interrupt sends the CLI's own `interrupt` control
 * request, so the turn ends cleanly and the session stays usable; if the CLI does not end
 * the turn in time, the rest of the interrupt ladder signals its process group.
 */
export function createClaudeAgent(options: ClaudeAgentOptions): AgentAdapter {
  type Attempt = Omit<Turn, "done"> & { done: Promise<TurnResult & { unknownSession: boolean }> };

  function attempt(input: TurnInput, sink: TurnSink, resume: boolean): Attempt {
    const started = Date.now();
    const args = [
      "-p",
      "--input-format",
      "stream-json",
      "--output-format",
      "stream-json",
      "--verbose",
      "--dangerously-skip-permissions",
    ];
    if (input.model !== null) args.push("--model", input.model);
    if (resume && input.sessionId !== null) args.push("--resume", input.sessionId);
    let result: ClaudeLine | null = null;
    let sessionId: string | null = resume ? input.sessionId : null;
    let interrupted = false;
    let unknownSession = false;
    const stderrTail: string[] = [];
    const proc = spawnAgent(options.bin, args, {
      cwd: input.cwd,
      groups: options.groups,
      env: { ...claudeEnv(options.env()), AGENT_MESSAGE_ID: input.id },
      ...(options.redactor === undefined ? {} : { redactor: options.redactor }),
      onStdout: (line) => {
        if (line.trim() === "") return;
        let parsed: ClaudeLine;
        try {
          parsed = JSON.parse(line) as ClaudeLine;
        } catch {
          sink.log("stdout", line);
          return;
        }
        if (parsed.type === "control_response") return;
        sink.agentJson(line);
        if (typeof parsed.session_id === "string" && parsed.session_id !== sessionId) {
          sessionId = parsed.session_id;
          sink.session(sessionId);
        }
        if (parsed.type === "result") {
          result = parsed;
          proc.child.stdin.end();
        }
      },
      onStderr: (line) => {
        sink.log("stderr", line);
        if (UNKNOWN_SESSION.test(line)) unknownSession = true;
        stderrTail.push(line);
        if (stderrTail.length > STDERR_TAIL) stderrTail.shift();
      },
    });
    proc.child.stdin.write(`${JSON.stringify({ type: "user", message: { role: "user", content: input.prompt } })}\n`);

    const done = proc.exited.then(({ code, signal, spawnError }): TurnResult & { unknownSession: boolean } => {
      const r = result;
      const base = {
        result: r?.result ?? null,
        costUsd: typeof r?.total_cost_usd === "number" ? r.total_cost_usd : null,
        durationMs: typeof r?.duration_ms === "number" ? r.duration_ms : Date.now() - started,
        numTurns: typeof r?.num_turns === "number" ? r.num_turns : null,
        sessionId,
        unknownSession: unknownSession || (r?.is_error === true && UNKNOWN_SESSION.test(r.result ?? "")),
      };
      if (interrupted) return { ...base, status: "interrupted", error: "interrupted" };
      if (spawnError !== null)
        return {
          ...base,
          status: "error",
          error: `could not start Claude Code (${options.bin}): ${spawnError.message}`,
        };
      if (r !== null && r.is_error !== true && (r.subtype === undefined || r.subtype === "success")) {
        return { ...base, status: "done", error: null };
      }
      const why =
        r !== null
          ? `Claude Code ended the turn with ${r.subtype ?? "an error"}${r.result === undefined ? "" : `: ${r.result}`}`
          : `Claude Code ${code === null ? `was killed by ${signal ?? "a signal"}` : `exited with code ${code}`} without a result`;
      const tail = stderrTail.length > 0 ? ` (stderr: ${stderrTail.slice(-5).join(" | ")})` : "";
      return { ...base, status: "error", error: why + tail };
    });

    return {
      done,
      interrupt: () => {
        if (interrupted) return;
        interrupted = true;
        const ask = (): void => {
          // A turn that has its result is ending already: the ladder only makes sure it does.
          if (result !== null || !proc.child.stdin.writable) return;
          const request = {
            type: "control_request",
            request_id: `interrupt-${Date.now()}`,
            request: { subtype: "interrupt" },
          };
          proc.child.stdin.write(`${JSON.stringify(request)}\n`);
        };
        interruptLadder(proc, ask, {
          graceMs: options.interruptGraceMs,
          onEscalate: () =>
            sink.log("runtime", "Claude Code did not end the turn after the interrupt; signalling its process group"),
        });
      },
    };
  }

  return {
    kind: "claude",
    start(input: TurnInput, sink: TurnSink): Turn {
      const first = attempt(input, sink, true);
      let current = first;
      const done = first.done.then(async (outcome) => {
        if (outcome.status === "error" && outcome.unknownSession && input.sessionId !== null) {
          sink.log("runtime", `session ${input.sessionId} is gone; starting a new conversation`);
          current = attempt(input, sink, false);
          return current.done;
        }
        return outcome;
      });
      return {
        done: done.then(({ unknownSession: _unknown, ...outcome }) => outcome),
        interrupt: () => current.interrupt(),
      };
    },
  };
}
