import {
  buildScopeSchema,
  deployAcceptedSchema,
  deployListSchema,
  deployModeBodySchema,
  deployPhaseSchema,
  deploySchema,
  deployStatusSchema,
  errorBodySchema,
  releaseListSchema,
  releaseSchema,
  requestedScopeSchema,
  rollbackRequestSchema,
  selfDeployRequestSchema,
  selfDeployResponseSchema,
} from "@app-building/types";
import { buildOpenApiDocument, type OpenApiResponse, type OpenApiRoute } from "@app-building/server-edge/openapi";
import {
  buildInProgressSchema,
  coreBackHealthSchema,
  deployListQuerySchema,
  deployLogQuerySchema,
  deployTimeoutSchema,
  selfDeployQuerySchema,
} from "./schemas.js";

const error = (description: string): OpenApiResponse => ({ description, schema: errorBodySchema });

/** Better-Auth's three ways in: any one is enough. */
const SIGNED_IN = ["sessionCookie", "bearer", "apiKey"] as const;

const authErrors = {
  401: error("No session, or the credentials were refused (`unauthorized`)."),
  403: error("`forbidden_host`: the `Host` is not core-back's own (DNS rebinding)."),
};

/** What the edge answers to a state-changing request a browser page on another site could send. */
const stateChangeErrors = {
  403: error(
    "`forbidden_host` (a `Host` not core-back's own), `foreign_origin` (an `Origin` or `Sec-Fetch-Site` from another site or another port), or the route's own 403.",
  ),
  415: error("`unsupported_media_type`: a body that is not `application/json`."),
};

/** Every route core-back serves but Better-Auth's own (`/api/auth/*`); the drift test checks them against the app. */
export const ROUTES: readonly OpenApiRoute[] = [
  {
    method: "get",
    path: "/health",
    summary: "Liveness",
    responses: { 200: { description: "Up.", schema: coreBackHealthSchema } },
  },
  {
    method: "get",
    path: "/api/v1/openapi.json",
    summary: "This document",
    responses: {
      200: { description: "OpenAPI 3.1." },
      403: error("`forbidden_host`: the `Host` is not core-back's own (DNS rebinding)."),
    },
  },
  {
    method: "post",
    path: "/api/v1/self/deploy",
    summary: "Build a scope into a new release, promote it through the health gate, and answer with the outcome",
    description:
      "Loopback peers only (no forwarding header), with the self-deploy token as `Authorization: Bearer` (the platform's agent has it as `APP_BUILDING_DEPLOY_TOKEN`). JSON bodies only, no foreign `Origin`. Blocks until the deploy is terminal (or the wait cap passes). Requests coalesce: one deploy runs and one waits; a request joins the waiting deploy, never a running one. A release whose services fail their gate is rolled back by the platform (500, status rolled_back).",
    security: ["selfDeployToken"],
    query: selfDeployQuerySchema,
    body: selfDeployRequestSchema,
    bodyOptional: true,
    responses: {
      200: { description: "The deploy built and restarted.", schema: selfDeployResponseSchema },
      202: { description: "`?wait=false`: the deploy is queued.", schema: deployAcceptedSchema },
      400: error("`invalid_json`, `invalid_body`, `invalid_scope`, `invalid_query` or `bad_request`."),
      401: error("`unauthorized`: no self-deploy token, or a wrong one."),
      ...stateChangeErrors,
      403: error(
        "`not_localhost`, `unrestricted_required`, `forbidden_host` (a `Host` not core-back's own) or `foreign_origin` (another site's or port's `Origin`/`Sec-Fetch-Site`).",
      ),
      409: { description: "`?wait=false` while a build runs.", schema: buildInProgressSchema },
      413: error("`payload_too_large`."),
      500: { description: "The deploy failed (ok: false).", schema: selfDeployResponseSchema },
      503: error("`shutting_down`."),
      504: { description: "The wait cap passed; the deploy goes on.", schema: deployTimeoutSchema },
    },
  },
  {
    method: "get",
    path: "/deploy",
    summary: "List deploys, newest first",
    security: SIGNED_IN,
    query: deployListQuerySchema,
    responses: {
      200: { description: "A page.", schema: deployListSchema },
      400: error("`invalid_query`."),
      ...authErrors,
    },
  },
  {
    method: "post",
    path: "/deploy",
    summary: "Queue a deploy as the signed-in user",
    security: SIGNED_IN,
    body: selfDeployRequestSchema,
    bodyOptional: true,
    responses: {
      202: { description: "Queued (or joined the waiting deploy).", schema: deployAcceptedSchema },
      400: error("`invalid_json`, `invalid_body` or `invalid_scope`."),
      413: error("`payload_too_large`."),
      ...authErrors,
      ...stateChangeErrors,
      403: error("`unrestricted_required`, `forbidden_host` or `foreign_origin`."),
    },
  },
  {
    method: "get",
    path: "/deploy/mode",
    summary: "The deploy mode (admins only)",
    security: SIGNED_IN,
    responses: {
      200: { description: "The mode.", schema: deployModeBodySchema },
      ...authErrors,
      403: error("`forbidden` (not an admin) or `forbidden_host`."),
    },
  },
  {
    method: "put",
    path: "/deploy/mode",
    summary: "Set the deploy mode (admins only)",
    security: SIGNED_IN,
    body: deployModeBodySchema,
    responses: {
      200: { description: "The new mode.", schema: deployModeBodySchema },
      400: error("`invalid_json` or `invalid_body`."),
      ...authErrors,
      ...stateChangeErrors,
      403: error("`forbidden` (not an admin), `forbidden_host` or `foreign_origin`."),
    },
  },
  {
    method: "get",
    path: "/deploy/releases",
    summary: "The releases on disk, newest first, the live one marked",
    security: SIGNED_IN,
    responses: {
      200: { description: "The releases.", schema: releaseListSchema },
      409: error("`releases_unavailable`: this core-back runs without releases."),
      ...authErrors,
    },
  },
  {
    method: "post",
    path: "/deploy/rollback",
    summary: "Make a known-good release live again (admins only), recorded on the deploy list",
    security: SIGNED_IN,
    body: rollbackRequestSchema,
    responses: {
      200: { description: "The rollback, ended ok.", schema: deploySchema },
      400: error("`invalid_json` or `invalid_body`."),
      404: error("`not_found`: no such release."),
      409: error("`release_not_promotable`, `build_in_progress` or `releases_unavailable`."),
      500: { description: "The rollback's gate failed.", schema: deploySchema },
      ...authErrors,
      ...stateChangeErrors,
      403: error("`forbidden` (not an admin), `forbidden_host` or `foreign_origin`."),
    },
  },
  {
    method: "get",
    path: "/deploy/{id}",
    summary: "One deploy",
    security: SIGNED_IN,
    responses: {
      200: { description: "The deploy.", schema: deploySchema },
      400: error("`bad_request`: a malformed id encoding."),
      404: error("`not_found`."),
      ...authErrors,
    },
  },
  {
    method: "get",
    path: "/deploy/{id}/log",
    summary: "A deploy's log; `?follow=1` streams it until the deploy ends",
    security: SIGNED_IN,
    query: deployLogQuerySchema,
    responses: {
      200: { description: "The log as text.", text: "text/plain" },
      400: error("`invalid_query`."),
      404: error("`not_found`."),
      ...authErrors,
    },
  },
  {
    method: "post",
    path: "/deploy/{id}/cancel",
    summary: "Cancel a waiting or running deploy (its whole build process tree stops)",
    security: SIGNED_IN,
    responses: {
      200: { description: "The deploy, ended.", schema: deploySchema },
      404: error("`not_found`."),
      409: error("`deploy_finished`: it already ended."),
      ...authErrors,
      ...stateChangeErrors,
    },
  },
];

/**
 * The OpenAPI 3.1 description of core-back's routes, made from the zod schemas that
 * validate them; served at `GET /api/v1/openapi.json`, checked in as
 * docs/self-edit/openapi.json, and checked against real responses by the HTTP tests.
 */
export const OPENAPI_DOCUMENT = buildOpenApiDocument({
  info: {
    title: "core-back",
    version: "1.0.0",
    description:
      "The platform's back end: the synchronous self-deploy API for agents on this machine, and the authenticated `/deploy` routes. See docs/self-edit/api.md.",
  },
  servers: [{ url: "http://127.0.0.1:4000" }],
  securitySchemes: {
    sessionCookie: { type: "apiKey", in: "cookie", name: "better-auth.session_token" },
    bearer: { type: "http", scheme: "bearer" },
    selfDeployToken: {
      type: "http",
      scheme: "bearer",
      description: "The self-deploy token: allows only POST /api/v1/self/deploy.",
    },
    apiKey: { type: "apiKey", in: "header", name: "x-api-key" },
  },
  schemas: {
    Error: errorBodySchema,
    Scope: buildScopeSchema,
    RequestedScope: requestedScopeSchema,
    Status: deployStatusSchema,
    Phase: deployPhaseSchema,
    Release: releaseSchema,
    ReleaseList: releaseListSchema,
    RollbackRequest: rollbackRequestSchema,
    DeployRequest: selfDeployRequestSchema,
    SelfDeployResponse: selfDeployResponseSchema,
    DeployAccepted: deployAcceptedSchema,
    BuildInProgress: buildInProgressSchema,
    DeployTimeout: deployTimeoutSchema,
    Deploy: deploySchema,
    DeployList: deployListSchema,
    DeployMode: deployModeBodySchema,
    Health: coreBackHealthSchema,
  },
  routes: ROUTES,
});
