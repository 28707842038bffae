import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import type { ContainerStatus, JournalEvent, LogLine, Message, MessageAccepted } from "@app-building/types";
import { AppBuildingError, ContainerGoneError, TimeoutError } from "../errors.js";
import { httpOptsFor } from "../http/options.js";
import { requestJson } from "../http/request.js";
import type { AgentState } from "../state.js";
import { followLog, type StreamOptions } from "./follow.js";
import { parseEvent, parseLogLine, parseMessage, parseStatus } from "./parse.js";

/**
 * Options of {@link ContainerClient.sendMessage}.
 *
 * @example
 * ```ts
 * import { connect, type SendMessageOptions } from "@app-building/sdk";
 * const client = await connect("app-building-3f2a9c01d4");
 * const options: SendMessageOptions = { idempotencyKey: "build-42", model: "claude-sonnet-4-5" };
 * await client.sendMessage("Add a README", options);
 * ```
 */
export interface SendMessageOptions {
  /** Makes retries safe: the container answers a repeat with the first message. A fresh UUID by default. */
  idempotencyKey?: string;
  /** The model for this message only. */
  model?: string;
  signal?: AbortSignal;
}

/**
 * Options of the `wait*` calls.
 *
 * @example
 * ```ts
 * import { connect, type WaitOptions } from "@app-building/sdk";
 * const client = await connect("app-building-3f2a9c01d4");
 * const { id } = await client.sendMessage("Run the tests and fix what fails");
 * const options: WaitOptions = { timeoutMs: 5 * 60_000 };
 * console.log((await client.waitForMessage(id, options)).result);
 * ```
 */
export interface WaitOptions {
  /** Give up with {@link TimeoutError} after this long (default: wait forever). */
  timeoutMs?: number;
  signal?: AbortSignal;
}

/**
 * What `POST /interrupt`, `/detach` and `/stop` answer (the runtime's JSON, as it is).
 *
 * @example
 * ```ts
 * import { connect, type ControlAnswer } from "@app-building/sdk";
 * const client = await connect("app-building-3f2a9c01d4");
 * const answer: ControlAnswer = await client.interrupt();
 * console.log(answer.interrupted);
 * ```
 */
export type ControlAnswer = Record<string, unknown>;

/**
 * A typed client of one container's API. Reads and the idempotent calls (`sendMessage`
 * with its idempotency key, `detach`, `stop`) are retried on transient failures;
 * `interrupt` is not, because a retry could interrupt a later turn.
 *
 * @example
 * ```ts
 * import { FileContainerRegistry, createClient, startContainer } from "@app-building/sdk";
 * const config = { registry: new FileContainerRegistry(), envVars: { ANTHROPIC_API_KEY: process.env.ANTHROPIC_API_KEY ?? "" } };
 * const state = await startContainer(config, { repoUrl: "https://github.com/acme/app.git", cloneBranch: "main" });
 * const client = createClient(state);
 * const { id } = await client.sendMessage("Add a README");
 * for await (const event of client.events()) {
 *   // A message ends as done, error or interrupted: stop reading on any of them.
 *   if (event.messageId === id && ["message.done", "message.error", "message.interrupted"].includes(event.kind)) break;
 * }
 * ```
 */
export interface ContainerClient {
  /** The container this client talks to. */
  readonly state: AgentState;
  /** Queues a prompt; resolves once the container has it durably. */
  sendMessage(prompt: string, options?: SendMessageOptions): Promise<MessageAccepted>;
  /** One message and its outcome so far. */
  getMessage(id: string, options?: { signal?: AbortSignal }): Promise<Message>;
  /** Resolves with the message once it is `done`, `error` or `interrupted`. */
  waitForMessage(id: string, options?: WaitOptions): Promise<Message>;
  /** The container's state, queue and cost. */
  status(options?: { signal?: AbortSignal }): Promise<ContainerStatus>;
  /** The agent's and the runtime's events, from an offset, live unless `follow: false`. */
  events(options?: StreamOptions): AsyncGenerator<JournalEvent, void, undefined>;
  /** The agent's and the runtime's log lines, from an offset, live unless `follow: false`. */
  logs(options?: StreamOptions): AsyncGenerator<LogLine, void, undefined>;
  /** Stops the current turn; the container and the agent session stay. */
  interrupt(): Promise<ControlAnswer>;
  /** The offset the next event will have (found in a few cheap page reads). */
  eventsTail(options?: { signal?: AbortSignal }): Promise<number>;
  /** Lets the container exit once its queue is drained. */
  detach(): Promise<ControlAnswer>;
  /** Interrupts, commits, pushes and exits. */
  stop(): Promise<ControlAnswer>;
  /** Resolves once the container reports `stopped` or no longer answers. */
  waitForStopped(options?: WaitOptions): Promise<void>;
}

/** The state a `container.state` event announces, or `undefined` for other events. */
function stateOf(event: JournalEvent): unknown {
  return event.kind === "container.state" ? (event.data as { state?: unknown } | null)?.state : undefined;
}

const TERMINAL = new Set(["done", "error", "interrupted"]);

/** Waits with a short backoff: 25 ms doubling up to 500 ms. */
async function pollUntil<T>(what: string, options: WaitOptions, check: () => Promise<T | undefined>): Promise<T> {
  const deadline = options.timeoutMs === undefined ? Infinity : Date.now() + options.timeoutMs;
  let delay = 25;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() >= deadline) throw new TimeoutError(`${what} did not happen within ${options.timeoutMs} ms`);
    await sleep(Math.min(delay, Math.max(0, deadline - Date.now())), undefined, { signal: options.signal });
    delay = Math.min(delay * 2, 500);
  }
}

/**
 * Creates a {@link ContainerClient} for a started container.
 *
 * @example
 * ```ts
 * import { FileContainerRegistry, createClient, startContainer } from "@app-building/sdk";
 * const config = { registry: new FileContainerRegistry(), envVars: { ANTHROPIC_API_KEY: process.env.ANTHROPIC_API_KEY ?? "" } };
 * const repo = { repoUrl: "https://github.com/acme/app.git", cloneBranch: "main", pushBranch: "agent/work" };
 * const state = await startContainer(config, repo);
 * const client = createClient(state);
 * console.log((await client.status()).state); // "idle"
 * ```
 */
export function createClient(state: AgentState): ContainerClient {
  const base = state.baseUrl.replace(/\/+$/, "");
  const { headers } = httpOptsFor(state);
  const get = async (path: string, signal?: AbortSignal) =>
    requestJson("GET", `${base}${path}`, undefined, { headers, signal }, true);
  const post = async (
    path: string,
    body: unknown,
    retry: boolean,
    extra: { idempotencyKey?: string; signal?: AbortSignal } = {},
  ) => requestJson("POST", `${base}${path}`, body, { headers, ...extra }, retry);

  const client: ContainerClient = {
    state,
    async sendMessage(prompt, options = {}) {
      const body = options.model === undefined ? { prompt } : { prompt, model: options.model };
      const answer = (await post("/message", body, true, {
        idempotencyKey: options.idempotencyKey ?? randomUUID(),
        signal: options.signal,
      })) as MessageAccepted;
      return answer;
    },
    async getMessage(id, options = {}) {
      return parseMessage(await get(`/message/${encodeURIComponent(id)}`, options.signal));
    },
    async waitForMessage(id, options = {}) {
      return pollUntil(`message ${id} finishing`, options, async () => {
        const message = await client.getMessage(id, options);
        return TERMINAL.has(message.status) ? message : undefined;
      });
    },
    async status(options = {}) {
      return parseStatus(await get("/status", options.signal));
    },
    events(options = {}) {
      return followLog(
        {
          url: `${base}/events`,
          headers,
          parse: parseEvent,
          isClosing: (event) => stateOf(event) === "stopping" || stateOf(event) === "stopped",
          isLast: (event) => stateOf(event) === "stopped",
        },
        options,
      );
    },
    logs(options = {}) {
      return followLog({ url: `${base}/logs`, headers, parse: parseLogLine }, options);
    },
    async eventsTail(options = {}) {
      const has = async (offset: number) => {
        const page = (await get(`/events?offset=${offset}&limit=1`, options.signal)) as { items: unknown[] };
        return page.items.length > 0;
      };
      if (!(await has(0))) return 0;
      let lo = 0;
      let hi = 1;
      while (await has(hi)) {
        lo = hi;
        hi *= 2;
      }
      while (hi - lo > 1) {
        const mid = Math.floor((lo + hi) / 2);
        if (await has(mid)) lo = mid;
        else hi = mid;
      }
      return hi;
    },
    async interrupt() {
      return (await post("/interrupt", {}, false)) as ControlAnswer;
    },
    async detach() {
      return (await post("/detach", {}, true)) as ControlAnswer;
    },
    async stop() {
      return (await post("/stop", {}, true)) as ControlAnswer;
    },
    async waitForStopped(options = {}) {
      await pollUntil(`${state.containerName} stopping`, options, async () => {
        try {
          const status = await requestJson(
            "GET",
            `${base}/status`,
            undefined,
            { headers, signal: options.signal, timeout: 5_000 },
            false,
          );
          return parseStatus(status).state === "stopped" ? true : undefined;
        } catch (error) {
          if (error instanceof ContainerGoneError) return true;
          // Behind a proxy (Fly's), a runtime that exited shows as a gateway error.
          if (error instanceof AppBuildingError && [502, 503, 504].includes(error.status ?? 0)) return true;
          if (error instanceof AppBuildingError && error.retryable) return undefined;
          throw error;
        }
      });
    },
  };
  return client;
}
