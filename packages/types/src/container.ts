import { z } from "zod";

/**
 * The agent CLIs a container can run.
 *
 * @example
 * ```ts
 * import { agentKindSchema } from "@app-building/types";
 * // An agent named in a user's settings, refused early when it is not one the runtime has.
 * const agent = agentKindSchema.parse(process.env.AGENT ?? "claude"); // "claude" | "codex" | "command"
 * ```
 */
export const agentKindSchema = z.enum(["claude", "codex", "command"]);
/**
 * An agent kind.
 *
 * @example
 * ```ts
 * import { containerStatusSchema, type AgentKind } from "@app-building/types";
 * async function agentOf(baseUrl: string, token: string): Promise<AgentKind> {
 *   const response = await fetch(`${baseUrl}/status`, { headers: { authorization: `Bearer ${token}` } });
 *   return containerStatusSchema.parse(await response.json()).agent;
 * }
 * const agent = await agentOf("http://127.0.0.1:3100", process.env.CONTAINER_TOKEN ?? "");
 * if (agent !== "claude") console.log(`this container runs ${agent}: Claude Code's slash commands do not apply`);
 * ```
 */
export type AgentKind = z.infer<typeof agentKindSchema>;

/**
 * A container's lifecycle: `starting → idle ⇄ processing → stopping → stopped`.
 *
 * @example
 * ```ts
 * import { setTimeout as sleep } from "node:timers/promises";
 * import { containerStateSchema, healthSchema } from "@app-building/types";
 * const wanted = containerStateSchema.parse(process.argv[2] ?? "idle"); // a typo such as "idel" fails here
 * const health = async () => healthSchema.parse(await (await fetch("http://127.0.0.1:3100/health")).json());
 * while ((await health()).state !== wanted) await sleep(500);
 * ```
 */
export const containerStateSchema = z.enum(["starting", "idle", "processing", "stopping", "stopped"]);
/**
 * A container state.
 *
 * @example
 * ```ts
 * import { healthSchema, type ContainerState } from "@app-building/types";
 * async function stateOf(baseUrl: string): Promise<ContainerState> {
 *   const response = await fetch(`${baseUrl}/health`); // no token needed
 *   return healthSchema.parse(await response.json()).state;
 * }
 * const state = await stateOf("http://127.0.0.1:3100");
 * if (state === "stopping" || state === "stopped") console.log("the container is going away: start a new one");
 * ```
 */
export type ContainerState = z.infer<typeof containerStateSchema>;

/**
 * A message's status.
 *
 * @example
 * ```ts
 * import { messageStatusSchema } from "@app-building/types";
 * const usage = `--status <${messageStatusSchema.options.join("|")}>`; // for a command's help
 * const only = messageStatusSchema.parse(process.argv[2] ?? "done");
 * ```
 */
export const messageStatusSchema = z.enum(["queued", "processing", "done", "error", "interrupted"]);
/**
 * A message status.
 *
 * @example
 * ```ts
 * import { messageSchema, type MessageStatus } from "@app-building/types";
 * const finished = (status: MessageStatus) => status === "done" || status === "error" || status === "interrupted";
 * const response = await fetch(`http://127.0.0.1:3100/message/${process.argv[2] ?? ""}`, {
 *   headers: { authorization: `Bearer ${process.env.CONTAINER_TOKEN ?? ""}` },
 * });
 * const message = messageSchema.parse(await response.json());
 * console.log(finished(message.status) ? (message.result ?? message.error) : `still ${message.status}`);
 * ```
 */
export type MessageStatus = z.infer<typeof messageStatusSchema>;

/**
 * The longest prompt the container API accepts, in characters.
 *
 * @example
 * ```ts
 * import { readFileSync } from "node:fs";
 * import { MAX_PROMPT_LENGTH } from "@app-building/types";
 * const prompt = readFileSync("prompt.md", "utf8");
 * if (prompt.length > MAX_PROMPT_LENGTH) throw new Error(`the prompt has ${prompt.length} characters: split it`);
 * ```
 */
export const MAX_PROMPT_LENGTH = 200_000;

/**
 * The body of `POST /message`.
 *
 * @example
 * ```ts
 * import { sendMessageRequestSchema } from "@app-building/types";
 * // A stand-in container for a test: it refuses what the real one refuses.
 * async function handleMessage(request: Request): Promise<Response> {
 *   const body = sendMessageRequestSchema.safeParse(await request.json());
 *   if (!body.success) return Response.json({ error: "invalid_body", message: body.error.message }, { status: 400 });
 *   return Response.json({ id: "msg_1", status: "queued" }, { status: 202 });
 * }
 * ```
 */
export const sendMessageRequestSchema = z
  .object({
    prompt: z.string().min(1).max(MAX_PROMPT_LENGTH),
    model: z.string().min(1).max(200).optional(),
  })
  .strict();
/**
 * A message request.
 *
 * @example
 * ```ts
 * import { randomUUID } from "node:crypto";
 * import { IDEMPOTENCY_KEY_HEADER, messageAcceptedSchema, type SendMessageRequest } from "@app-building/types";
 * async function send(baseUrl: string, token: string, body: SendMessageRequest): Promise<string> {
 *   const response = await fetch(`${baseUrl}/message`, {
 *     method: "POST",
 *     headers: {
 *       authorization: `Bearer ${token}`,
 *       "content-type": "application/json",
 *       [IDEMPOTENCY_KEY_HEADER]: randomUUID(), // a retry of this request queues nothing new
 *     },
 *     body: JSON.stringify(body),
 *   });
 *   return messageAcceptedSchema.parse(await response.json()).id;
 * }
 * const id = await send("http://127.0.0.1:3100", process.env.CONTAINER_TOKEN ?? "", { prompt: "Add a README", model: "sonnet" });
 * ```
 */
export type SendMessageRequest = z.infer<typeof sendMessageRequestSchema>;

/**
 * `202` answer of `POST /message`.
 *
 * @example
 * ```ts
 * import { messageAcceptedSchema } from "@app-building/types";
 * const response = await fetch("http://127.0.0.1:3100/message", {
 *   method: "POST",
 *   headers: { authorization: `Bearer ${process.env.CONTAINER_TOKEN ?? ""}`, "content-type": "application/json" },
 *   body: JSON.stringify({ prompt: "Add a README" }),
 * });
 * const { id, status } = messageAcceptedSchema.parse(await response.json());
 * console.log(`message ${id} is ${status}`); // "queued"
 * ```
 */
export const messageAcceptedSchema = z.object({
  id: z.string(),
  status: messageStatusSchema,
});
/**
 * The answer of `POST /message`.
 *
 * @example
 * ```ts
 * import { messageAcceptedSchema, type MessageAccepted } from "@app-building/types";
 * async function queueMessage(baseUrl: string, token: string, prompt: string): Promise<MessageAccepted> {
 *   const response = await fetch(`${baseUrl}/message`, {
 *     method: "POST",
 *     headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
 *     body: JSON.stringify({ prompt }),
 *   });
 *   return messageAcceptedSchema.parse(await response.json());
 * }
 * const { id, status } = await queueMessage("http://127.0.0.1:3100", process.env.CONTAINER_TOKEN ?? "", "Add a README");
 * console.log(id, status); // "msg_…" "queued"
 * ```
 */
export type MessageAccepted = z.infer<typeof messageAcceptedSchema>;

/**
 * One message, as `GET /message/:id` returns it.
 *
 * @example
 * ```ts
 * import { messageSchema } from "@app-building/types";
 * const response = await fetch(`http://127.0.0.1:3100/message/${process.argv[2] ?? ""}`, {
 *   headers: { authorization: `Bearer ${process.env.CONTAINER_TOKEN ?? ""}` },
 * });
 * const message = messageSchema.parse(await response.json());
 * if (message.status === "done") console.log(message.result, `$${message.costUsd ?? 0}`);
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
/**
 * One message.
 *
 * @example
 * ```ts
 * import { setTimeout as sleep } from "node:timers/promises";
 * import { messageSchema, type Message } from "@app-building/types";
 * async function waitForMessage(baseUrl: string, token: string, id: string): Promise<Message> {
 *   for (;;) {
 *     const response = await fetch(`${baseUrl}/message/${id}`, { headers: { authorization: `Bearer ${token}` } });
 *     const message = messageSchema.parse(await response.json());
 *     if (message.status !== "queued" && message.status !== "processing") return message;
 *     await sleep(1_000);
 *   }
 * }
 * const message = await waitForMessage("http://127.0.0.1:3100", process.env.CONTAINER_TOKEN ?? "", "msg_1");
 * console.log(message.status === "done" ? message.result : message.error);
 * ```
 */
export type Message = z.infer<typeof messageSchema>;

/**
 * `GET /status`.
 *
 * @example
 * ```ts
 * import { containerStatusSchema } from "@app-building/types";
 * const response = await fetch("http://127.0.0.1:3100/status", {
 *   headers: { authorization: `Bearer ${process.env.CONTAINER_TOKEN ?? ""}` },
 * });
 * const status = containerStatusSchema.parse(await response.json());
 * console.log(status.state); // "idle"
 * for (const problem of status.problems) console.warn(problem);
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
  /**
   * What keeps the agent from working, each a sentence that says what to set or install
   * (a missing model API key, an agent CLI that cannot be found); empty when nothing is
   * missing. Found once when the runtime starts. A runtime too old to report problems
   * parses as `[]`.
   */
  problems: z
    .array(z.string())
    .default([])
    .meta({ description: "What keeps the agent from working, each with what to do; empty when nothing is missing." }),
});
/**
 * A container's status.
 *
 * @example
 * ```ts
 * import { containerStatusSchema, type ContainerStatus } from "@app-building/types";
 * function summary(status: ContainerStatus): string {
 *   return `${status.containerName}: ${status.state}, ${status.queueLength} queued, $${status.totalCostUsd.toFixed(2)} spent`;
 * }
 * const response = await fetch("http://127.0.0.1:3100/status", {
 *   headers: { authorization: `Bearer ${process.env.CONTAINER_TOKEN ?? ""}` },
 * });
 * console.log(summary(containerStatusSchema.parse(await response.json())));
 * ```
 */
export type ContainerStatus = z.infer<typeof containerStatusSchema>;

/**
 * The happenings a container both records in its journal and sends as a webhook, under
 * the same name: the one list both {@link eventKindSchema} and `webhookTypeSchema` are
 * made from.
 *
 * @example
 * ```ts
 * import { createServer } from "node:http";
 * import { webhookEventKindSchema, webhookPayloadSchema } from "@app-building/types";
 * // A webhook receiver that also follows the journal: these webhooks have an event of the same name.
 * createServer(async (request, response) => {
 *   let rawBody = "";
 *   for await (const chunk of request) rawBody += String(chunk);
 *   const payload = webhookPayloadSchema.parse(JSON.parse(rawBody));
 *   if (webhookEventKindSchema.safeParse(payload.type).success) console.log(`also in the journal: ${payload.type}`);
 *   response.end();
 * }).listen(8080, "127.0.0.1");
 * ```
 */
export const webhookEventKindSchema = z.enum([
  "message.started",
  "message.done",
  "message.error",
  "message.interrupted",
  "task.queued",
  "task.started",
  "task.done",
  "task.failed",
  "git.pushed",
  "git.push_failed",
]);
/**
 * A happening that is both an event kind and a webhook type.
 *
 * @example
 * ```ts
 * import { createClient } from "@app-building/sdk";
 * import type { WebhookEventKind } from "@app-building/types";
 * // Wait in the journal for what a webhook announced (the webhook's type is the event's kind).
 * async function journalEntryFor(kind: WebhookEventKind, client: ReturnType<typeof createClient>) {
 *   for await (const event of client.events()) if (event.kind === kind) return event;
 * }
 * ```
 */
export type WebhookEventKind = z.infer<typeof webhookEventKindSchema>;

/**
 * What an event records: the agent's own JSON (`agent`), or the runtime's own markers
 * (every {@link webhookEventKindSchema} name, plus the journal-only `git.committed` and
 * `container.state`).
 *
 * @example
 * ```ts
 * import { eventKindSchema, journalEventSchema, pageSchema } from "@app-building/types";
 * // A --kind filter typed on the command line, refused before anything is read.
 * const kind = eventKindSchema.parse(process.argv[2] ?? "agent");
 * const response = await fetch("http://127.0.0.1:3100/events?limit=1000", {
 *   headers: { authorization: `Bearer ${process.env.CONTAINER_TOKEN ?? ""}` },
 * });
 * const page = pageSchema(journalEventSchema).parse(await response.json());
 * console.log(page.items.filter((event) => event.kind === kind).length);
 * ```
 */
export const eventKindSchema = z.enum(["agent", ...webhookEventKindSchema.options, "git.committed", "container.state"]);
/**
 * An event kind.
 *
 * @example
 * ```ts
 * import { journalEventSchema, pageSchema, type EventKind } from "@app-building/types";
 * const endsTurn = (kind: EventKind) => kind === "message.done" || kind === "message.error";
 * const response = await fetch("http://127.0.0.1:3100/events?limit=1000", {
 *   headers: { authorization: `Bearer ${process.env.CONTAINER_TOKEN ?? ""}` },
 * });
 * const page = pageSchema(journalEventSchema).parse(await response.json());
 * console.log(`${page.items.filter((event) => endsTurn(event.kind)).length} turns ended`);
 * ```
 */
export type EventKind = z.infer<typeof eventKindSchema>;

/**
 * One journal event as the wire carries it, `data` unchecked (streams carry tens of
 * thousands a second). `offset` is dense and starts at 0: the next read starts at
 * `nextOffset`. {@link journalEventOfKindSchema} checks `data` too.
 *
 * @example
 * ```ts
 * import { journalEventSchema } from "@app-building/types";
 * const response = await fetch("http://127.0.0.1:3100/events?offset=0", {
 *   headers: { authorization: `Bearer ${process.env.CONTAINER_TOKEN ?? ""}` },
 * });
 * const { items } = (await response.json()) as { items: unknown[] };
 * for (const event of items.map((item) => journalEventSchema.parse(item))) console.log(event.offset, event.kind);
 * ```
 */
export const journalEventSchema = z.object({
  offset: z.number().int().nonnegative(),
  time: z.string(),
  messageId: z.string().nullable(),
  kind: eventKindSchema,
  data: z.unknown(),
});

/**
 * One log line of the agent process or the runtime.
 *
 * @example
 * ```ts
 * import { logLineSchema } from "@app-building/types";
 * const response = await fetch("http://127.0.0.1:3100/logs?limit=1000", {
 *   headers: { authorization: `Bearer ${process.env.CONTAINER_TOKEN ?? ""}` },
 * });
 * const { items } = (await response.json()) as { items: unknown[] };
 * const stderr = items.map((item) => logLineSchema.parse(item)).filter((line) => line.stream === "stderr");
 * ```
 */
export const logLineSchema = z.object({
  offset: z.number().int().nonnegative(),
  time: z.string(),
  stream: z.enum(["stdout", "stderr", "runtime"]),
  line: z.string(),
});
/**
 * One log line.
 *
 * @example
 * ```ts
 * import { logLineSchema, pageSchema, type LogLine } from "@app-building/types";
 * const print = (line: LogLine) => console.log(`[${line.stream}] ${line.line}`);
 * const response = await fetch("http://127.0.0.1:3100/logs?offset=0&limit=100", {
 *   headers: { authorization: `Bearer ${process.env.CONTAINER_TOKEN ?? ""}` },
 * });
 * pageSchema(logLineSchema).parse(await response.json()).items.forEach(print);
 * ```
 */
export type LogLine = z.infer<typeof logLineSchema>;

/**
 * A page read from an offset: `GET /events` and `GET /logs`.
 *
 * @example
 * ```ts
 * import { journalEventSchema, pageSchema } from "@app-building/types";
 * const response = await fetch("http://127.0.0.1:3100/events?offset=0&limit=100", {
 *   headers: { authorization: `Bearer ${process.env.CONTAINER_TOKEN ?? ""}` },
 * });
 * const page = pageSchema(journalEventSchema).parse(await response.json());
 * console.log(`${page.items.length} events; read on from ${page.nextOffset}`);
 * ```
 */
export function pageSchema<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item), nextOffset: z.number().int().nonnegative() });
}
/**
 * A page of items read from an offset.
 *
 * @example
 * ```ts
 * import { logLineSchema, pageSchema, type LogLine, type Page } from "@app-building/types";
 * async function readLogs(offset: number): Promise<Page<LogLine>> {
 *   const response = await fetch(`http://127.0.0.1:3100/logs?offset=${offset}`, {
 *     headers: { authorization: `Bearer ${process.env.CONTAINER_TOKEN ?? ""}` },
 *   });
 *   return pageSchema(logLineSchema).parse(await response.json());
 * }
 * let page = await readLogs(0);
 * while (page.items.length > 0) {
 *   for (const line of page.items) console.log(`[${line.stream}] ${line.line}`);
 *   page = await readLogs(page.nextOffset);
 * }
 * ```
 */
export interface Page<T> {
  items: T[];
  nextOffset: number;
}

/**
 * The header that makes a retried `POST /message` return the first message instead of
 * queueing a second one.
 *
 * @example
 * ```ts
 * import { randomUUID } from "node:crypto";
 * import { IDEMPOTENCY_KEY_HEADER } from "@app-building/types";
 * const key = randomUUID(); // the same key on every retry of this one message
 * await fetch("http://127.0.0.1:3100/message", {
 *   method: "POST",
 *   headers: {
 *     authorization: `Bearer ${process.env.CONTAINER_TOKEN ?? ""}`,
 *     "content-type": "application/json",
 *     [IDEMPOTENCY_KEY_HEADER]: key,
 *   },
 *   body: JSON.stringify({ prompt: "Add a README" }),
 * });
 * ```
 */
export const IDEMPOTENCY_KEY_HEADER = "Idempotency-Key";

/**
 * The answer of `POST /interrupt`, `POST /detach` and `POST /stop`: what the container
 * did and the state it is in now.
 *
 * @example
 * ```ts
 * import { controlResponseSchema } from "@app-building/types";
 * const response = await fetch("http://127.0.0.1:3100/interrupt", {
 *   method: "POST",
 *   headers: { authorization: `Bearer ${process.env.CONTAINER_TOKEN ?? ""}` },
 * });
 * const { state, interrupted } = controlResponseSchema.parse(await response.json());
 * console.log(interrupted === true ? `interrupted; now ${state}` : `nothing was running; ${state}`);
 * ```
 */
export const controlResponseSchema = z.object({
  ok: z.boolean(),
  state: containerStateSchema,
  interrupted: z.boolean().optional(),
  messageId: z.string().nullable().optional(),
});
/**
 * The answer of a control request.
 *
 * @example
 * ```ts
 * import { controlResponseSchema, type ControlResponse } from "@app-building/types";
 * async function interrupt(baseUrl: string, token: string): Promise<ControlResponse> {
 *   const response = await fetch(`${baseUrl}/interrupt`, {
 *     method: "POST",
 *     headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
 *     body: "{}",
 *   });
 *   return controlResponseSchema.parse(await response.json());
 * }
 * const answer = await interrupt("http://127.0.0.1:3100", process.env.CONTAINER_TOKEN ?? "");
 * console.log(answer.interrupted === true ? `interrupted ${answer.messageId ?? ""}` : "nothing was running");
 * ```
 */
export type ControlResponse = z.infer<typeof controlResponseSchema>;

/**
 * `GET /health`: open to everyone (no token), for probes.
 *
 * @example
 * ```ts
 * import { healthSchema } from "@app-building/types";
 * const response = await fetch("http://127.0.0.1:3100/health"); // no token: for probes
 * const { ok, state } = healthSchema.parse(await response.json());
 * if (!ok) console.error(`the container answers but is ${state}`);
 * ```
 */
export const healthSchema = z.object({ ok: z.boolean(), state: containerStateSchema });
/**
 * The answer of `GET /health`.
 *
 * @example
 * ```ts
 * import { healthSchema, type Health } from "@app-building/types";
 * async function health(baseUrl: string): Promise<Health | null> {
 *   try {
 *     const response = await fetch(`${baseUrl}/health`, { signal: AbortSignal.timeout(2_000) });
 *     return healthSchema.parse(await response.json());
 *   } catch {
 *     return null; // nothing answers there
 *   }
 * }
 * console.log((await health("http://127.0.0.1:3100"))?.state ?? "down");
 * ```
 */
export type Health = z.infer<typeof healthSchema>;

/**
 * A task's status: `pending` until the worker takes it, `done` once the agent ends a
 * result with the `<DONE>` marker, `failed` after `maxAttempts` attempts without it.
 *
 * @example
 * ```ts
 * import { taskSchema, taskStatusSchema } from "@app-building/types";
 * const wanted = taskStatusSchema.parse(process.argv[2] ?? "failed"); // a filter typed on the command line
 * const response = await fetch(`${process.env.APP_BUILDING_RUNTIME_URL ?? ""}/tasks`, {
 *   headers: { authorization: `Bearer ${process.env.APP_BUILDING_TASKS_TOKEN ?? ""}` },
 * });
 * const { items } = (await response.json()) as { items: unknown[] };
 * console.log(items.map((item) => taskSchema.parse(item)).filter((task) => task.status === wanted));
 * ```
 */
export const taskStatusSchema = z.enum(["pending", "processing", "done", "failed"]);
/**
 * A task status.
 *
 * @example
 * ```ts
 * import { taskSchema, type TaskStatus } from "@app-building/types";
 * // The agent's own call, with the URL and token the runtime gave it.
 * async function taskStatus(id: string): Promise<TaskStatus> {
 *   const response = await fetch(`${process.env.APP_BUILDING_RUNTIME_URL ?? ""}/tasks/${id}`, {
 *     headers: { authorization: `Bearer ${process.env.APP_BUILDING_TASKS_TOKEN ?? ""}` },
 *   });
 *   return taskSchema.parse(await response.json()).status;
 * }
 * if ((await taskStatus("task_1")) === "failed") console.log("the task ran out of attempts");
 * ```
 */
export type TaskStatus = z.infer<typeof taskStatusSchema>;

/**
 * The marker an agent puts in its result to say a task is complete.
 *
 * @example
 * ```ts
 * import { TASK_DONE_MARKER, taskSchema } from "@app-building/types";
 * const response = await fetch(`${process.env.APP_BUILDING_RUNTIME_URL ?? ""}/tasks/task_1`, {
 *   headers: { authorization: `Bearer ${process.env.APP_BUILDING_TASKS_TOKEN ?? ""}` },
 * });
 * const task = taskSchema.parse(await response.json());
 * const finished = (task.result ?? "").includes(TASK_DONE_MARKER);
 * ```
 */
export const TASK_DONE_MARKER = "<DONE>";

/**
 * The most attempts a task may ask for.
 *
 * @example
 * ```ts
 * import { MAX_TASK_ATTEMPTS, createTaskRequestSchema } from "@app-building/types";
 * const wanted = Number(process.env.TASK_ATTEMPTS ?? "5");
 * const body = createTaskRequestSchema.parse({ prompt: "Write the tests", maxAttempts: Math.min(wanted, MAX_TASK_ATTEMPTS) });
 * ```
 */
export const MAX_TASK_ATTEMPTS = 20;

/**
 * The body of `POST /tasks`: follow-up work the agent queues for itself.
 *
 * @example
 * ```ts
 * import { createTaskRequestSchema } from "@app-building/types";
 * // The agent checks its follow-up before queueing it (at most MAX_TASK_ATTEMPTS attempts).
 * const body = createTaskRequestSchema.parse({ prompt: "Write the tests for parse.ts", maxAttempts: 3 });
 * await fetch(`${process.env.APP_BUILDING_RUNTIME_URL ?? ""}/tasks`, {
 *   method: "POST",
 *   headers: { authorization: `Bearer ${process.env.APP_BUILDING_TASKS_TOKEN ?? ""}`, "content-type": "application/json" },
 *   body: JSON.stringify(body),
 * });
 * ```
 */
export const createTaskRequestSchema = z
  .object({
    prompt: z.string().min(1).max(MAX_PROMPT_LENGTH),
    maxAttempts: z.number().int().min(1).max(MAX_TASK_ATTEMPTS).optional(),
  })
  .strict();
/**
 * A task request.
 *
 * @example
 * ```ts
 * import { taskSchema, type CreateTaskRequest } from "@app-building/types";
 * // The agent's own call, with the URL and token the runtime gave it.
 * async function queueTask(body: CreateTaskRequest) {
 *   const response = await fetch(`${process.env.APP_BUILDING_RUNTIME_URL ?? ""}/tasks`, {
 *     method: "POST",
 *     headers: {
 *       authorization: `Bearer ${process.env.APP_BUILDING_TASKS_TOKEN ?? ""}`,
 *       "content-type": "application/json",
 *     },
 *     body: JSON.stringify(body),
 *   });
 *   return taskSchema.parse(await response.json());
 * }
 * const task = await queueTask({ prompt: "Write the tests for parse.ts", maxAttempts: 3 });
 * console.log(task.id, task.status); // "task_…" "pending"
 * ```
 */
export type CreateTaskRequest = z.infer<typeof createTaskRequestSchema>;

/**
 * One task, as `POST /tasks` and `GET /tasks` return it.
 *
 * @example
 * ```ts
 * import { taskSchema } from "@app-building/types";
 * const response = await fetch(`${process.env.APP_BUILDING_RUNTIME_URL ?? ""}/tasks/task_1`, {
 *   headers: { authorization: `Bearer ${process.env.APP_BUILDING_TASKS_TOKEN ?? ""}` },
 * });
 * const task = taskSchema.parse(await response.json());
 * console.log(`${task.status} after ${task.attempts} of ${task.maxAttempts} attempts`);
 * ```
 */
export const taskSchema = z.object({
  id: z.string(),
  status: taskStatusSchema,
  prompt: z.string(),
  attempts: z.number().int().nonnegative(),
  maxAttempts: z.number().int().positive(),
  result: z.string().nullable(),
  error: z.string().nullable(),
  createdAt: z.string(),
  endedAt: z.string().nullable(),
});
/**
 * One task.
 *
 * @example
 * ```ts
 * import { taskSchema, type Task } from "@app-building/types";
 * async function listTasks(): Promise<Task[]> {
 *   const response = await fetch(`${process.env.APP_BUILDING_RUNTIME_URL ?? ""}/tasks`, {
 *     headers: { authorization: `Bearer ${process.env.APP_BUILDING_TASKS_TOKEN ?? ""}` },
 *   });
 *   const { items } = (await response.json()) as { items: unknown[] };
 *   return items.map((item) => taskSchema.parse(item));
 * }
 * for (const task of await listTasks()) console.log(task.id, task.status, `${task.attempts}/${task.maxAttempts}`);
 * ```
 */
export type Task = z.infer<typeof taskSchema>;

/**
 * The query of `GET /events` and `GET /logs`: where to start, how many, and how long to
 * wait for something new (long-poll) when nothing is there yet.
 *
 * @example
 * ```ts
 * import { journalQuerySchema } from "@app-building/types";
 * // A stand-in container for a test reads the query as the real one does: strings in, numbers out.
 * function readQuery(url: string) {
 *   return journalQuerySchema.parse(Object.fromEntries(new URL(url).searchParams));
 * }
 * readQuery("http://127.0.0.1:3100/events?offset=10&limit=100&wait=30"); // { offset: 10, limit: 100, wait: 30 }
 * ```
 */
export const journalQuerySchema = z
  .object({
    offset: z.coerce.number().int().nonnegative().optional(),
    limit: z.coerce.number().int().min(1).max(10_000).optional(),
    wait: z.coerce.number().min(0).max(120).optional(),
  })
  .strict();
/**
 * The query of a journal read.
 *
 * @example
 * ```ts
 * import { journalEventSchema, pageSchema, type JournalQuery } from "@app-building/types";
 * async function readEvents(baseUrl: string, token: string, { offset = 0, limit = 1000, wait = 0 }: JournalQuery) {
 *   const response = await fetch(`${baseUrl}/events?offset=${offset}&limit=${limit}&wait=${wait}`, {
 *     headers: { authorization: `Bearer ${token}` },
 *   });
 *   return pageSchema(journalEventSchema).parse(await response.json());
 * }
 * // A long-poll: waits up to 30 s for the events from offset 10 on.
 * const page = await readEvents("http://127.0.0.1:3100", process.env.CONTAINER_TOKEN ?? "", { offset: 10, wait: 30 });
 * console.log(page.items.length, page.nextOffset);
 * ```
 */
export type JournalQuery = z.infer<typeof journalQuerySchema>;

const gitOutcome = {
  revision: z.string().nullable().optional(),
  pushed: z.boolean().nullable().optional(),
};

/**
 * The `data` of each event kind. Objects are loose: a newer runtime may add fields.
 *
 * @example
 * ```ts
 * import { eventDataSchemas, journalEventSchema, pageSchema } from "@app-building/types";
 * const response = await fetch("http://127.0.0.1:3100/events?limit=1000", {
 *   headers: { authorization: `Bearer ${process.env.CONTAINER_TOKEN ?? ""}` },
 * });
 * for (const event of pageSchema(journalEventSchema).parse(await response.json()).items) {
 *   if (event.kind !== "message.done") continue;
 *   const done = eventDataSchemas["message.done"].parse(event.data);
 *   console.log(done.messageId, done.costUsd);
 * }
 * ```
 */
export const eventDataSchemas = {
  /** The agent's own JSON object (Claude Code stream-json, Codex JSONL, or `{type: "text", text}` for a command agent). */
  agent: z.record(z.string(), z.unknown()),
  "message.started": z.looseObject({ messageId: z.string() }),
  "message.done": messageEndData(),
  "message.error": messageEndData(),
  "message.interrupted": messageEndData(),
  "task.queued": z.looseObject({ taskId: z.string(), prompt: z.string(), maxAttempts: z.number().int() }),
  "task.started": z.looseObject({ taskId: z.string(), attempt: z.number().int(), maxAttempts: z.number().int() }),
  "task.done": taskEndData(),
  "task.failed": taskEndData(),
  "git.committed": z.looseObject({ revision: z.string(), message: z.string() }),
  "git.pushed": z.looseObject({ revision: z.string().nullable(), branch: z.string(), attempts: z.number().int() }),
  "git.push_failed": z.looseObject({
    revision: z.string().nullable(),
    branch: z.string(),
    attempts: z.number().int(),
    error: z.string().nullable(),
  }),
  "container.state": z.looseObject({ state: containerStateSchema }),
} satisfies Record<EventKind, z.ZodType>;

function messageEndData() {
  return z.looseObject({
    messageId: z.string(),
    status: messageStatusSchema,
    result: z.string().nullable().optional(),
    error: z.string().nullable().optional(),
    costUsd: z.number().nullable().optional(),
    durationMs: z.number().nullable().optional(),
    numTurns: z.number().int().nullable().optional(),
    sessionId: z.string().nullable().optional(),
    ...gitOutcome,
  });
}

function taskEndData() {
  return z.looseObject({
    taskId: z.string(),
    status: taskStatusSchema,
    attempts: z.number().int(),
    result: z.string().nullable(),
    error: z.string().nullable(),
    ...gitOutcome,
  });
}

/**
 * The `data` of an event of kind `K`.
 *
 * @example
 * ```ts
 * import { journalEventOfKindSchema, pageSchema, type EventData } from "@app-building/types";
 * function cost(data: EventData<"message.done">): number {
 *   return data.costUsd ?? 0;
 * }
 * const response = await fetch("http://127.0.0.1:3100/events?limit=1000", {
 *   headers: { authorization: `Bearer ${process.env.CONTAINER_TOKEN ?? ""}` },
 * });
 * let total = 0;
 * for (const event of pageSchema(journalEventOfKindSchema).parse(await response.json()).items) {
 *   if (event.kind === "message.done") total += cost(event.data);
 * }
 * ```
 */
export type EventData<K extends EventKind> = z.infer<(typeof eventDataSchemas)[K]>;

const eventEnvelope = journalEventSchema.omit({ kind: true, data: true });

function eventOfKind<K extends EventKind>(kind: K) {
  return eventEnvelope.extend({ kind: z.literal(kind), data: eventDataSchemas[kind] });
}

/**
 * One journal event with its `data` checked against its kind: a discriminated union by
 * `kind`, derived from {@link eventDataSchemas}.
 *
 * @example
 * ```ts
 * import { journalEventOfKindSchema } from "@app-building/types";
 * const response = await fetch("http://127.0.0.1:3100/events?offset=0", {
 *   headers: { authorization: `Bearer ${process.env.CONTAINER_TOKEN ?? ""}` },
 * });
 * const { items } = (await response.json()) as { items: unknown[] };
 * for (const event of items.map((item) => journalEventOfKindSchema.parse(item))) {
 *   if (event.kind === "git.pushed") console.log(`pushed ${event.data.revision ?? "-"} to ${event.data.branch}`);
 * }
 * ```
 */
export const journalEventOfKindSchema = z.discriminatedUnion(
  "kind",
  eventKindSchema.options.map((kind) => eventOfKind(kind)) as unknown as [
    ReturnType<typeof eventOfKind<"agent">>,
    ...{ [K in Exclude<EventKind, "agent">]: ReturnType<typeof eventOfKind<K>> }[Exclude<EventKind, "agent">][],
  ],
);

/**
 * One journal event: `event.data` is narrowed by `event.kind`.
 *
 * @example
 * ```ts
 * import { journalEventOfKindSchema, pageSchema, type JournalEvent } from "@app-building/types";
 * function describe(event: JournalEvent): string {
 *   if (event.kind === "message.done") return `done: ${event.data.result ?? ""} ($${event.data.costUsd ?? 0})`;
 *   if (event.kind === "container.state") return `now ${event.data.state}`;
 *   return event.kind;
 * }
 * const response = await fetch("http://127.0.0.1:3100/events?limit=1000", {
 *   headers: { authorization: `Bearer ${process.env.CONTAINER_TOKEN ?? ""}` },
 * });
 * for (const event of pageSchema(journalEventOfKindSchema).parse(await response.json()).items) console.log(describe(event));
 * ```
 */
export type JournalEvent = { [K in EventKind]: z.infer<ReturnType<typeof eventOfKind<K>>> }[EventKind];
