import { edgeBodyLimit } from "@app-building/server-edge/hono";
import {
  createTaskRequestSchema,
  ERROR_CODES,
  IDEMPOTENCY_KEY_HEADER,
  sendMessageRequestSchema,
  type MessageAccepted,
} from "@app-building/types";
import { Hono } from "hono";
import { InvalidQueryError, NotFoundError } from "../errors.js";
import type { Journal } from "../journal/journal.js";
import type { Runtime } from "../runtime/runtime.js";
import { authMiddleware } from "./auth.js";
import { errorAnswer } from "./errors.js";
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
  /** The container token; `undefined` leaves the API to loopback callers only (local development). */
  token: string | undefined;
  /** The agent's own token for the `/tasks` routes (in its environment as `APP_BUILDING_TASKS_TOKEN`). */
  tasksToken?: string;
  /** Host names besides loopback literals and `localhost` that requests may name. */
  ownHostNames?: readonly string[];
  maxBodyBytes: number;
}

/** The longest `Idempotency-Key` accepted. */
const MAX_IDEMPOTENCY_KEY = 200;

/** Builds the container API (no listening: `main.ts` serves it, tests call `app.request`). */
export function createApp(deps: AppDeps): Hono {
  const { runtime, journal } = deps;
  const app = new Hono();

  app.onError((error, c) => {
    const answer = errorAnswer(error);
    if (!answer.known) {
      journal.log("runtime", `unexpected error on ${c.req.method} ${c.req.path}: ${error.stack ?? error.message}`);
    }
    return c.json(answer.body, answer.status as 400);
  });
  app.notFound((c) =>
    c.json(
      { error: ERROR_CODES.notFound, message: `no route ${c.req.method} ${c.req.path}; see GET /openapi.json` },
      404,
    ),
  );

  app.get("/health", (c) => c.json({ ok: true, state: runtime.state }));

  // Every other route needs a credential (see auth.ts), the Host rule and the state-change rule.
  app.use("*", authMiddleware({ token: deps.token, tasksToken: deps.tasksToken, ownHostNames: deps.ownHostNames }));
  app.use("*", edgeBodyLimit(deps.maxBodyBytes));

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

  // Built at the first request, not at start-up: few callers ask, and a start is on every container's clock.
  let openapi: Record<string, unknown> | undefined;
  app.get("/openapi.json", (c) => c.json((openapi ??= buildOpenApi())));

  return app;
}
