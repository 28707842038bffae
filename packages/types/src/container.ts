import { z } from "zod";

/**
 * The agent CLIs a container can run.
 *
 * @example
 * ```ts
 * agentKindSchema.parse("claude");
 * ```
 */
export const agentKindSchema = z.enum(["claude", "codex", "command"]);
/** An agent kind. */
export type AgentKind = z.infer<typeof agentKindSchema>;

/**
 * A container's lifecycle: `starting → idle ⇄ processing → stopping → stopped`.
 *
 * @example
 * ```ts
 * containerStateSchema.parse("idle");
 * ```
 */
export const containerStateSchema = z.enum(["starting", "idle", "processing", "stopping", "stopped"]);
/** A container state. */
export type ContainerState = z.infer<typeof containerStateSchema>;

/**
 * A message's status.
 *
 * @example
 * ```ts
 * messageStatusSchema.parse("done");
 * ```
 */
export const messageStatusSchema = z.enum(["queued", "processing", "done", "error", "interrupted"]);
/** A message status. */
export type MessageStatus = z.infer<typeof messageStatusSchema>;

/** The longest prompt the container API accepts, in characters. */
export const MAX_PROMPT_LENGTH = 200_000;

/**
 * The body of `POST /message`.
 *
 * @example
 * ```ts
 * sendMessageRequestSchema.parse({ prompt: "Add a README" });
 * ```
 */
export const sendMessageRequestSchema = z
  .object({
    prompt: z.string().min(1).max(MAX_PROMPT_LENGTH),
    model: z.string().min(1).max(200).optional(),
  })
  .strict();
/** A message request. */
export type SendMessageRequest = z.infer<typeof sendMessageRequestSchema>;

/**
 * `202` answer of `POST /message`.
 *
 * @example
 * ```ts
 * const { id } = messageAcceptedSchema.parse(body);
 * ```
 */
export const messageAcceptedSchema = z.object({
  id: z.string(),
  status: messageStatusSchema,
});
/** The answer of `POST /message`. */
export type MessageAccepted = z.infer<typeof messageAcceptedSchema>;

/**
 * One message, as `GET /message/:id` returns it.
 *
 * @example
 * ```ts
 * const message = messageSchema.parse(body);
 * if (message.status === "done") console.log(message.result);
 * ```
 */
export const messageSchema = z.object({
  id: z.string(),
  status: messageStatusSchema,
  prompt: z.string(),
  result: z.string().nullable(),
  error: z.string().nullable(),
  costUsd: z.number().nullable(),
  durationMs: z.number().int().nullable(),
  numTurns: z.number().int().nullable(),
  sessionId: z.string().nullable(),
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  endedAt: z.string().nullable(),
});
/** One message. */
export type Message = z.infer<typeof messageSchema>;

/**
 * `GET /status`.
 *
 * @example
 * ```ts
 * const status = containerStatusSchema.parse(body);
 * status.state; // "idle"
 * ```
 */
export const containerStatusSchema = z.object({
  state: containerStateSchema,
  containerName: z.string(),
  agent: agentKindSchema,
  sessionId: z.string().nullable(),
  pushBranch: z.string().nullable(),
  revision: z.string().nullable(),
  queueLength: z.number().int().nonnegative(),
  pendingTasks: z.number().int().nonnegative(),
  tasksProcessed: z.number().int().nonnegative(),
  iteration: z.number().int().nonnegative(),
  totalCostUsd: z.number().nonnegative(),
  detachRequested: z.boolean(),
  currentMessageId: z.string().nullable(),
  pendingPush: z.boolean(),
  startedAt: z.string(),
  lastActivityAt: z.string(),
});
/** A container's status. */
export type ContainerStatus = z.infer<typeof containerStatusSchema>;

/**
 * What an event records: the agent's own JSON (`agent`), or the runtime's own markers.
 *
 * @example
 * ```ts
 * eventKindSchema.parse("agent");
 * ```
 */
export const eventKindSchema = z.enum([
  "agent",
  "message.started",
  "message.done",
  "message.error",
  "message.interrupted",
  "task.started",
  "task.done",
  "git.committed",
  "git.pushed",
  "git.push_failed",
  "container.state",
]);
/** An event kind. */
export type EventKind = z.infer<typeof eventKindSchema>;

/**
 * One journal event. `offset` is dense and starts at 0: the next read starts at
 * `nextOffset`.
 *
 * @example
 * ```ts
 * const event = journalEventSchema.parse(JSON.parse(sseData));
 * ```
 */
export const journalEventSchema = z.object({
  offset: z.number().int().nonnegative(),
  time: z.string(),
  messageId: z.string().nullable(),
  kind: eventKindSchema,
  data: z.unknown(),
});
/** One journal event. */
export type JournalEvent = z.infer<typeof journalEventSchema>;

/**
 * One log line of the agent process or the runtime.
 *
 * @example
 * ```ts
 * logLineSchema.parse({ offset: 0, time: new Date().toISOString(), stream: "stderr", line: "warn" });
 * ```
 */
export const logLineSchema = z.object({
  offset: z.number().int().nonnegative(),
  time: z.string(),
  stream: z.enum(["stdout", "stderr", "runtime"]),
  line: z.string(),
});
/** One log line. */
export type LogLine = z.infer<typeof logLineSchema>;

/**
 * A page read from an offset: `GET /events` and `GET /logs`.
 *
 * @example
 * ```ts
 * const page = pageSchema(journalEventSchema).parse(body);
 * ```
 */
export function pageSchema<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item), nextOffset: z.number().int().nonnegative() });
}
/** A page of items read from an offset. */
export interface Page<T> {
  items: T[];
  nextOffset: number;
}
