import {
  containerStatusSchema,
  controlResponseSchema,
  createTaskRequestSchema,
  errorBodySchema,
  healthSchema,
  journalEventSchema,
  journalQuerySchema,
  logLineSchema,
  messageAcceptedSchema,
  messageSchema,
  pageSchema,
  sendMessageRequestSchema,
  taskSchema,
} from "@app-building/types";
import { buildOpenApiDocument, type OpenApiRoute } from "@app-building/server-edge/openapi";
import { z } from "zod";

/** One route of the container API as the OpenAPI document describes it. */
export interface RouteSpec {
  method: "get" | "post";
  /** OpenAPI path (`/message/{id}`). */
  path: string;
  summary: string;
  /** Whether a bearer token is required (the task routes also take the agent's tasks token). */
  auth: boolean;
  body?: z.ZodType;
  query?: z.ZodObject;
  headers?: { name: string; description: string }[];
  responses: Record<number, { description: string; schema?: z.ZodType; sse?: boolean }>;
}

const errors = {
  400: { description: "Bad input: `{error, message}` naming the field", schema: errorBodySchema },
  401: { description: "Missing or wrong bearer token", schema: errorBodySchema },
};

/** Every route the runtime serves; the drift test checks it against the app's routes. */
export const ROUTES: readonly RouteSpec[] = [
  {
    method: "get",
    path: "/health",
    summary: "Liveness probe (no token)",
    auth: false,
    responses: { 200: { description: "Up", schema: healthSchema } },
  },
  {
    method: "post",
    path: "/message",
    summary: "Queue a prompt",
    auth: true,
    body: sendMessageRequestSchema,
    headers: [{ name: "Idempotency-Key", description: "A retried POST with the same key returns the first message" }],
    responses: {
      202: {
        description: "Queued (or the first message for a repeated Idempotency-Key)",
        schema: messageAcceptedSchema,
      },
      ...errors,
      409: { description: "The container is stopping", schema: errorBodySchema },
      413: { description: "Body too large", schema: errorBodySchema },
    },
  },
  {
    method: "get",
    path: "/message/{id}",
    summary: "One message and its outcome",
    auth: true,
    responses: {
      200: { description: "The message", schema: messageSchema },
      401: errors[401],
      404: { description: "No such message", schema: errorBodySchema },
    },
  },
  {
    method: "post",
    path: "/interrupt",
    summary: "End the current turn, keep the session",
    auth: true,
    responses: { 200: { description: "Done", schema: controlResponseSchema }, 401: errors[401] },
  },
  {
    method: "post",
    path: "/detach",
    summary: "Exit once messages and tasks are drained",
    auth: true,
    responses: { 200: { description: "Detach requested", schema: controlResponseSchema }, 401: errors[401] },
  },
  {
    method: "post",
    path: "/stop",
    summary: "Interrupt, commit, push and exit",
    auth: true,
    responses: { 202: { description: "Stopping", schema: controlResponseSchema }, 401: errors[401] },
  },
  {
    method: "get",
    path: "/status",
    summary: "The container's status",
    auth: true,
    responses: { 200: { description: "Status", schema: containerStatusSchema }, 401: errors[401] },
  },
  {
    method: "get",
    path: "/events",
    summary:
      "Journal events from an offset: a JSON page, a long-poll (`wait`), or SSE (`Accept: text/event-stream`, `Last-Event-ID`)",
    auth: true,
    query: journalQuerySchema,
    responses: {
      200: {
        description: "A page `{items, nextOffset}`, or an SSE stream whose `id:` is the offset",
        schema: pageSchema(journalEventSchema),
        sse: true,
      },
      ...errors,
    },
  },
  {
    method: "get",
    path: "/logs",
    summary: "Log lines from an offset (same reading modes as /events)",
    auth: true,
    query: journalQuerySchema,
    responses: {
      200: {
        description: "A page `{items, nextOffset}`, or an SSE stream whose `id:` is the offset",
        schema: pageSchema(logLineSchema),
        sse: true,
      },
      ...errors,
    },
  },
  {
    method: "post",
    path: "/tasks",
    summary: "Queue follow-up work (the agent calls this with its tasks token, APP_BUILDING_TASKS_TOKEN)",
    auth: true,
    body: createTaskRequestSchema,
    responses: {
      201: { description: "Queued", schema: taskSchema },
      ...errors,
    },
  },
  {
    method: "get",
    path: "/tasks",
    summary: "Every task",
    auth: true,
    responses: { 200: { description: "Tasks", schema: z.object({ items: z.array(taskSchema) }) }, 401: errors[401] },
  },
  {
    method: "get",
    path: "/tasks/{id}",
    summary: "One task",
    auth: true,
    responses: {
      200: { description: "The task", schema: taskSchema },
      401: errors[401],
      404: { description: "No such task", schema: errorBodySchema },
    },
  },
  {
    method: "get",
    path: "/openapi.json",
    summary: "This document",
    auth: true,
    responses: { 200: { description: "OpenAPI 3.1" } },
  },
];

/** What the edge answers on every guarded route (see docs/security.md). */
function edgeResponses(route: RouteSpec): OpenApiRoute["responses"] {
  if (!route.auth) return {};
  const forbidden = {
    description:
      "`forbidden_host` (a Host not the runtime's own, without the container token), `foreign_origin` (another site's or port's Origin), or `not_localhost` (no CONTAINER_TOKEN set and not a direct loopback caller)",
    schema: errorBodySchema,
  };
  if (route.method !== "post") return { 403: forbidden };
  return {
    403: forbidden,
    415: { description: "`unsupported_media_type`: a body that is not JSON", schema: errorBodySchema },
  };
}

/** One route as the shared generator takes it: its security, its SSE answer, and the edge's answers. */
function toOpenApiRoute(route: RouteSpec): OpenApiRoute {
  const { auth, responses, ...rest } = route;
  const own: Record<number, OpenApiRoute["responses"][number]> = {};
  for (const [status, { sse, ...response }] of Object.entries(responses)) {
    own[Number(status)] = sse === true ? { ...response, text: "text/event-stream" } : response;
  }
  return { ...rest, ...(auth ? {} : { security: [] }), responses: { ...own, ...edgeResponses(route) } };
}

/** Builds the OpenAPI 3.1 document from {@link ROUTES}. */
export function buildOpenApi(): Record<string, unknown> {
  return buildOpenApiDocument({
    info: { title: "app-building container API", version: "1.0.0" },
    securitySchemes: { bearer: { type: "http", scheme: "bearer" } },
    security: ["bearer"],
    routes: ROUTES.map(toOpenApiRoute),
  });
}
