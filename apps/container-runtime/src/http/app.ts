import type { IncomingMessage } from "node:http";
import { getConnInfo } from "@hono/node-server/conninfo";
import {
  createTaskRequestSchema,
  ERROR_CODES,
  IDEMPOTENCY_KEY_HEADER,
  sendMessageRequestSchema,
  type MessageAccepted,
} from "@app-building/types";
import { Hono, type Context } from "hono";
import { bodyLimit } from "hono/body-limit";
import {
  AppError,
  InvalidQueryError,
  NotFoundError,
  NotLocalhostError,
  PayloadTooLargeError,
  UnauthorizedError,
} from "../errors.js";
import type { Journal } from "../journal/journal.js";
import type { Runtime } from "../runtime/runtime.js";
import { bearerChecker, isLoopbackAddress, PROXY_HEADERS } from "./auth.js";
import { readJson } from "./body.js";
import type { Followers } from "./followers.js";
import { journalHandler } from "./journal-routes.js";
import { buildOpenApi } from "./openapi.js";

/** What the HTTP layer needs: the runtime service, the journal, and two settings. */
export interface AppDeps {
  runtime: Runtime;
  journal: Journal;
  /** Who follows the events and the logs, so the runtime can let them read to the end before it exits. */
  followers?: { events: Followers; logs: Followers };
  /** The bearer token; `undefined` leaves the API open (local development only). */
  token: string | undefined;
  maxBodyBytes: number;
}

function peerIsLoopback(c: Context): boolean {
  if (PROXY_HEADERS.some((name) => c.req.header(name) !== undefined)) return false;
  try {
    return isLoopbackAddress(getConnInfo(c).remote.address);
  } catch {
    return false;
  }
}

/**
 * Reads and drops the rest of an oversized body (up to `limit` bytes), so the client that
 * is still sending gets to read the 413 instead of a reset connection.
 */
async function drainRequest(c: Context, limit: number): Promise<void> {
  const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
  if (incoming === undefined || incoming.readableEnded) return;
  const declared = Number(incoming.headers["content-length"] ?? "0");
  if (declared > limit) return;
  let read = 0;
  for await (const chunk of incoming as AsyncIterable<Buffer>) {
    read += chunk.length;
    if (read > limit) break;
  }
}

/** The most of an oversized body the runtime reads before answering 413 (beyond it, it closes the connection). */
const DRAIN_LIMIT = 16 * 1024 * 1024;

/** The longest `Idempotency-Key` accepted. */
const MAX_IDEMPOTENCY_KEY = 200;

/** Builds the container API (no listening: `main.ts` serves it, tests call `app.request`). */
export function createApp(deps: AppDeps): Hono {
  const { runtime, journal, token } = deps;
  const app = new Hono();
  const tokenMatches = token === undefined ? null : bearerChecker(token);

  app.onError((error, c) => {
    if (error instanceof AppError) {
      return c.json({ error: error.code, message: error.message, ...(error.details ?? {}) }, error.status);
    }
    journal.log("runtime", `unexpected error on ${c.req.method} ${c.req.path}: ${error.stack ?? error.message}`);
    return c.json({ error: ERROR_CODES.internal, message: "the runtime failed to answer; see GET /logs" }, 500);
  });
  app.notFound((c) =>
    c.json(
      { error: ERROR_CODES.notFound, message: `no route ${c.req.method} ${c.req.path}; see GET /openapi.json` },
      404,
    ),
  );

  app.get("/health", (c) => c.json({ ok: true, state: runtime.state }));

  // Every other route needs the bearer token; the task routes also answer the agent itself over loopback.
  app.use("*", async (c, next) => {
    if (tokenMatches === null || tokenMatches(c.req.header("authorization"))) return next();
    if (c.req.path === "/tasks" || c.req.path.startsWith("/tasks/")) {
      // eslint-disable-next-line @typescript-eslint/no-unsafe-argument -- hono types the middleware input loosely
      if (peerIsLoopback(c)) return next();
      if (c.req.header("authorization") === undefined) throw new NotLocalhostError();
    }
    throw new UnauthorizedError();
  });
  const limitBody = bodyLimit({
    maxSize: deps.maxBodyBytes,
    onError: async (c) => {
      await drainRequest(c, DRAIN_LIMIT);
      throw new PayloadTooLargeError(deps.maxBodyBytes);
    },
  });
  app.use("*", limitBody);

  app.post("/message", async (c) => {
    const key = c.req.header(IDEMPOTENCY_KEY_HEADER) ?? null;
    if (key !== null && (key.trim() === "" || key.length > MAX_IDEMPOTENCY_KEY)) {
      throw new InvalidQueryError(
        `the ${IDEMPOTENCY_KEY_HEADER} header must be 1 to ${MAX_IDEMPOTENCY_KEY} characters`,
      );
    }
    const body = await readJson(c, sendMessageRequestSchema);
    const { message, created } = runtime.enqueueMessage(body.prompt, body.model ?? null, key);
    if (!created) c.header("idempotent-replayed", "true");
    const answer: MessageAccepted = { id: message.id, status: message.status };
    return c.json(answer, 202);
  });

  app.get("/message/:id", (c) => {
    const message = runtime.getMessage(c.req.param("id"));
    if (message === undefined) throw new NotFoundError(`no message ${c.req.param("id")}`);
    return c.json(message);
  });

  app.post("/interrupt", (c) => c.json(runtime.interrupt()));
  app.post("/detach", (c) => c.json(runtime.detach()));
  app.post("/stop", (c) => c.json(runtime.stop(), 202));
  app.get("/status", (c) => c.json(runtime.status()));

  app.get("/events", journalHandler(journal.events, deps.followers?.events));
  app.get("/logs", journalHandler(journal.logs, deps.followers?.logs));

  app.post("/tasks", async (c) => {
    const body = await readJson(c, createTaskRequestSchema);
    return c.json(runtime.addTask(body.prompt, body.maxAttempts), 201);
  });
  app.get("/tasks", (c) => c.json({ items: runtime.listTasks() }));
  app.get("/tasks/:id", (c) => {
    const task = runtime.getTask(c.req.param("id"));
    if (task === undefined) throw new NotFoundError(`no task ${c.req.param("id")}`);
    return c.json(task);
  });

  const openapi = buildOpenApi();
  app.get("/openapi.json", (c) => c.json(openapi));

  return app;
}
