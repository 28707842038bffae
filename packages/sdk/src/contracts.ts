// The container API's data types, from @app-building/types, under the names the seed's
// users know; documented here because they are part of this package's API.
import type * as types from "@app-building/types";

/**
 * One event of a container's journal: `event.data` is narrowed by `event.kind` (a
 * discriminated union derived from the zod schemas of `@app-building/types`).
 *
 * @example
 * ```ts
 * import { connect, type JournalEvent } from "@app-building/sdk";
 * const client = await connect("app-building-3f2a9c01d4");
 * for await (const event of client.events()) {
 *   if (event.kind === "message.done") console.log(event.data.result, event.data.costUsd);
 *   if (event.kind === "git.pushed") console.log(`pushed ${event.data.revision} to ${event.data.branch}`);
 * }
 * ```
 */
export type JournalEvent = types.JournalEvent;

/**
 * The kinds of {@link JournalEvent}.
 *
 * @example
 * ```ts
 * import { connect, type EventKind } from "@app-building/sdk";
 * const endsMessage = (kind: EventKind) => kind === "message.done" || kind === "message.error" || kind === "message.interrupted";
 * const client = await connect("app-building-3f2a9c01d4");
 * const { id } = await client.sendMessage("Add a README");
 * for await (const event of client.events()) if (event.messageId === id && endsMessage(event.kind)) break;
 * ```
 */
export type EventKind = types.EventKind;

/**
 * The `data` of an event of kind `K`.
 *
 * @example
 * ```ts
 * import { connect, type EventData } from "@app-building/sdk";
 * function describePush(data: EventData<"git.push_failed">): string {
 *   return `push to ${data.branch} failed after ${data.attempts} attempts: ${data.error ?? ""}`;
 * }
 * const client = await connect("app-building-3f2a9c01d4");
 * for await (const event of client.events({ follow: false })) {
 *   if (event.kind === "git.push_failed") console.error(describePush(event.data));
 * }
 * ```
 */
export type EventData<K extends EventKind> = types.EventData<K>;

/**
 * A message sent to a container, as `GET /message/:id` and `client.getMessage` answer it.
 *
 * @example
 * ```ts
 * import { connect, type Message } from "@app-building/sdk";
 * const client = await connect("app-building-3f2a9c01d4");
 * const { id } = await client.sendMessage("Add a README");
 * const message: Message = await client.waitForMessage(id);
 * if (message.status === "done") console.log(message.result);
 * ```
 */
export type Message = types.Message;

/**
 * Where a message is: `queued`, `processing`, `done`, `error` or `interrupted`.
 *
 * @example
 * ```ts
 * import { connect, type MessageStatus } from "@app-building/sdk";
 * const finished = (status: MessageStatus) => status !== "queued" && status !== "processing";
 * const client = await connect("app-building-3f2a9c01d4");
 * const message = await client.getMessage(process.argv[2] ?? "");
 * console.log(finished(message.status) ? `ended ${message.status}` : "still going");
 * ```
 */
export type MessageStatus = types.MessageStatus;

/**
 * What `GET /status` answers: state, queue, cost, revision, push branch, problems.
 *
 * @example
 * ```ts
 * import { FileContainerRegistry, createClient, type ContainerStatus } from "@app-building/sdk";
 * const state = await new FileContainerRegistry().find("app-building-3f2a9c01d4");
 * if (state === null) throw new Error("app-building-3f2a9c01d4 is not in the registry");
 * const status: ContainerStatus = await createClient(state).status();
 * console.log(status.state, status.revision, status.totalCostUsd);
 * ```
 */
export type ContainerStatus = types.ContainerStatus;

/**
 * One log line of the agent process or the runtime.
 *
 * @example
 * ```ts
 * import { connect, type LogLine } from "@app-building/sdk";
 * const client = await connect("app-building-3f2a9c01d4");
 * for await (const line of client.logs({ follow: false })) {
 *   const shown: LogLine = line;
 *   console.log(`[${shown.stream}] ${shown.line}`);
 * }
 * ```
 */
export type LogLine = types.LogLine;
