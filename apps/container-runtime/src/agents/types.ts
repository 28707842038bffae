import type { AgentKind, LogLine } from "@app-building/types";

/** One turn to run: a message's or a task's prompt. */
export interface TurnInput {
  /** The message or task this turn runs for; events carry it. */
  id: string;
  prompt: string;
  model: string | null;
  /** The session to continue, if the agent has one. */
  sessionId: string | null;
  cwd: string;
}

/** Where an adapter reports what its agent does. */
export interface TurnSink {
  /** One JSON object line exactly as the agent printed it. */
  agentJson(line: string): void;
  /** A JSON value the adapter builds itself (e.g. a plain text line wrapped as `{type:"text"}`). */
  agentEvent(data: unknown): void;
  log(stream: LogLine["stream"], line: string): void;
  /** The agent told us its session id (as early as it knows it). */
  session(sessionId: string): void;
}

/** How a turn ended. */
export interface TurnResult {
  status: "done" | "error" | "interrupted";
  result: string | null;
  error: string | null;
  costUsd: number | null;
  durationMs: number | null;
  numTurns: number | null;
  sessionId: string | null;
}

/** A running turn. */
export interface Turn {
  /** Settles once the agent process is gone; never rejects. */
  readonly done: Promise<TurnResult>;
  /**
   * Ends the turn early, keeping the session usable for the next one: the agent's own
   * interrupt first, then its process group is signalled (the ladder of `interrupt.ts`).
   */
  interrupt(): void;
}

/** One agent CLI behind the runtime's single interface. */
export interface AgentAdapter {
  readonly kind: AgentKind;
  start(input: TurnInput, sink: TurnSink): Turn;
}
