import { deployPhaseSchema, deployStatusSchema, releaseStateSchema } from "@app-building/types";

/**
 * The OpenAPI 3.1 description of core-back's routes, served at `GET /api/v1/openapi.json`
 * and checked against real responses by the HTTP tests.
 */
const errorBody = (extra: Record<string, unknown> = {}, required: string[] = []) => ({
  type: "object",
  required: ["error", "message", ...required],
  properties: { error: { type: "string" }, message: { type: "string" }, ...extra },
});

const json = (schema: unknown) => ({ content: { "application/json": { schema } } });
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const error = (description: string) => ({ description, ...json(ref("Error")) });

const authErrors = {
  "401": error("No session, or the credentials were refused (`unauthorized`)."),
  "403": error("`forbidden_host`: the `Host` is not core-back's own (DNS rebinding)."),
};

/** What the edge answers to a state-changing request a browser page on another site could send. */
const stateChangeErrors = {
  "403": error(
    "`forbidden_host` (a `Host` not core-back's own), `foreign_origin` (an `Origin` or `Sec-Fetch-Site` from another site or another port), or the route's own 403.",
  ),
  "415": error("`unsupported_media_type`: a body that is not `application/json`."),
};

export const OPENAPI_DOCUMENT = {
  openapi: "3.1.0",
  info: {
    title: "core-back",
    version: "1.0.0",
    description:
      "The platform's back end: the synchronous self-deploy API for agents on this machine, and the authenticated `/deploy` routes. See docs/self-edit/api.md.",
  },
  servers: [{ url: "http://127.0.0.1:4000" }],
  components: {
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
      Error: errorBody(),
      Scope: { type: "string", enum: ["platform", "all"] },
      RequestedScope: { type: "string", enum: ["auto", "platform", "all"] },
      Status: { type: "string", enum: [...deployStatusSchema.options] },
      Phase: {
        type: "string",
        enum: [...deployPhaseSchema.options],
        description:
          "Where the deploy is or ended: build (turbo in the new release), boot_check (core-back of the new release on a spare port), restart, health (health URL, smoke paths, settle window), rollback, done.",
      },
      Release: {
        type: "object",
        additionalProperties: false,
        required: ["id", "deployId", "createdAt", "state", "sizeBytes", "live"],
        properties: {
          id: { type: "string" },
          deployId: { type: ["string", "null"], description: "The deploy that made it; null for the first release." },
          createdAt: { type: "string", format: "date-time" },
          state: { type: "string", enum: [...releaseStateSchema.options] },
          sizeBytes: { type: ["integer", "null"], description: "Disk used by its own files." },
          live: { type: "boolean" },
        },
      },
      ReleaseList: {
        type: "object",
        additionalProperties: false,
        required: ["items", "live"],
        properties: { items: { type: "array", items: ref("Release") }, live: { type: ["string", "null"] } },
      },
      RollbackRequest: {
        type: "object",
        additionalProperties: false,
        required: ["releaseId"],
        properties: { releaseId: { type: "string", minLength: 1, maxLength: 200 } },
      },
      DeployRequest: {
        type: "object",
        additionalProperties: false,
        properties: {
          scope: ref("RequestedScope"),
          sessionId: { type: "string", minLength: 1, maxLength: 200 },
        },
      },
      SelfDeployResponse: {
        type: "object",
        additionalProperties: false,
        required: [
          "ok",
          "deployId",
          "status",
          "scope",
          "durationMs",
          "exitCode",
          "errorSummary",
          "phase",
          "release",
          "selfRestart",
          "logTail",
        ],
        properties: {
          ok: { type: "boolean" },
          deployId: { type: "string" },
          status: ref("Status"),
          scope: ref("Scope"),
          durationMs: { type: ["integer", "null"] },
          exitCode: { type: ["integer", "null"] },
          errorSummary: {
            type: ["string", "null"],
            description:
              "What failed, naming the service and quoting only this attempt's output (crash output, exit code, or no answer on :PORT/health within N s).",
          },
          phase: ref("Phase"),
          release: {
            type: ["string", "null"],
            description: "The release live after this deploy: the new one when ok, the last good one when rolled_back.",
          },
          selfRestart: {
            type: "boolean",
            description:
              "True when the scope restarts core-back itself: it answered first, and a watcher gates the restart (confirm with GET /health).",
          },
          logTail: { type: "string", description: "The last 8 KB of the deploy log, cut on a UTF-8 boundary." },
        },
      },
      DeployAccepted: {
        type: "object",
        additionalProperties: false,
        required: ["deployId", "status", "scope", "joined"],
        properties: {
          deployId: { type: "string" },
          status: ref("Status"),
          scope: ref("Scope"),
          joined: { type: "boolean", description: "Whether the request joined a deploy already waiting to build." },
        },
      },
      BuildInProgress: errorBody({ error: { const: "build_in_progress" }, deployId: { type: "string" } }, ["deployId"]),
      DeployTimeout: errorBody(
        { error: { const: "deploy_timeout" }, deployId: { type: "string" }, status: ref("Status") },
        ["deployId", "status"],
      ),
      Deploy: {
        type: "object",
        additionalProperties: false,
        required: [
          "id",
          "status",
          "scope",
          "filters",
          "requestedBy",
          "sessionId",
          "createdAt",
          "startedAt",
          "buildEndedAt",
          "endedAt",
          "durationMs",
          "exitCode",
          "errorSummary",
          "phase",
          "selfRestart",
          "action",
          "builtRelease",
          "release",
        ],
        properties: {
          id: { type: "string" },
          status: ref("Status"),
          scope: ref("Scope"),
          filters: { type: "array", items: { type: "string" } },
          requestedBy: { type: ["string", "null"], description: "The signed-in user's email; null for a self-deploy." },
          sessionId: { type: ["string", "null"] },
          createdAt: { type: "string", format: "date-time" },
          startedAt: { type: ["string", "null"], format: "date-time", description: "When the build started." },
          buildEndedAt: {
            type: ["string", "null"],
            format: "date-time",
            description:
              "When the build finished, successfully or not, before any restart; null if it never built. Build time is buildEndedAt − startedAt, restart time endedAt − buildEndedAt.",
          },
          endedAt: { type: ["string", "null"], format: "date-time" },
          durationMs: { type: ["integer", "null"] },
          exitCode: { type: ["integer", "null"] },
          errorSummary: { type: ["string", "null"] },
          phase: ref("Phase"),
          selfRestart: { type: "boolean", description: "core-back restarted itself right after this deploy answered." },
          action: { type: "string", enum: ["deploy", "rollback"], description: "A build, or an admin's rollback." },
          builtRelease: { type: ["string", "null"], description: "The release this deploy built (or rolled back to)." },
          release: { type: ["string", "null"], description: "The release live when the deploy ended." },
        },
      },
      DeployList: {
        type: "object",
        additionalProperties: false,
        required: ["items", "nextCursor"],
        properties: { items: { type: "array", items: ref("Deploy") }, nextCursor: { type: ["string", "null"] } },
      },
      DeployMode: {
        type: "object",
        additionalProperties: false,
        required: ["mode"],
        properties: { mode: { type: "string", enum: ["restricted", "unrestricted"] } },
      },
      Health: {
        type: "object",
        required: ["ok", "service", "local", "mode", "release"],
        properties: {
          ok: { const: true },
          service: { const: "core-back" },
          local: { type: "boolean" },
          mode: { type: "string", enum: ["restricted", "unrestricted"] },
          release: { type: ["string", "null"], description: "The release this process runs; null outside a release." },
        },
      },
    },
  },
  paths: {
    "/health": {
      get: { summary: "Liveness", responses: { "200": { description: "Up.", ...json(ref("Health")) } } },
    },
    "/api/v1/self/deploy": {
      post: {
        summary: "Build a scope into a new release, promote it through the health gate, and answer with the outcome",
        description:
          "Loopback peers only (no forwarding header), with the self-deploy token as `Authorization: Bearer` (the platform's agent has it as `APP_BUILDING_DEPLOY_TOKEN`). JSON bodies only, no foreign `Origin`. Blocks until the deploy is terminal (or the wait cap passes). Requests coalesce: one deploy runs and one waits; a request joins the waiting deploy, never a running one. A release whose services fail their gate is rolled back by the platform (500, status rolled_back).",
        parameters: [
          {
            name: "wait",
            in: "query",
            required: false,
            schema: { type: "string", enum: ["true", "false", "1", "0"] },
            description: "`false` answers 202 at once (or 409 while a build runs).",
          },
        ],
        security: [{ selfDeployToken: [] }],
        requestBody: { required: false, ...json(ref("DeployRequest")) },
        responses: {
          "200": { description: "The deploy built and restarted.", ...json(ref("SelfDeployResponse")) },
          "401": error("`unauthorized`: no self-deploy token, or a wrong one."),
          "202": { description: "`?wait=false`: the deploy is queued.", ...json(ref("DeployAccepted")) },
          "400": error("`invalid_json`, `invalid_body`, `invalid_scope`, `invalid_query` or `bad_request`."),
          ...stateChangeErrors,
          "403": error(
            "`not_localhost`, `unrestricted_required`, `forbidden_host` (a `Host` not core-back's own) or `foreign_origin` (another site's or port's `Origin`/`Sec-Fetch-Site`).",
          ),
          "409": { description: "`?wait=false` while a build runs.", ...json(ref("BuildInProgress")) },
          "413": error("`payload_too_large`."),
          "500": { description: "The deploy failed (ok: false).", ...json(ref("SelfDeployResponse")) },
          "503": error("`shutting_down`."),
          "504": { description: "The wait cap passed; the deploy goes on.", ...json(ref("DeployTimeout")) },
        },
      },
    },
    "/deploy": {
      get: {
        summary: "List deploys, newest first",
        security: [{ sessionCookie: [] }, { bearer: [] }, { apiKey: [] }],
        parameters: [
          { name: "limit", in: "query", required: false, schema: { type: "integer", minimum: 1, maximum: 100 } },
          { name: "cursor", in: "query", required: false, schema: { type: "string" } },
        ],
        responses: {
          "200": { description: "A page.", ...json(ref("DeployList")) },
          "400": error("`invalid_query`."),
          ...authErrors,
        },
      },
      post: {
        summary: "Queue a deploy as the signed-in user",
        security: [{ sessionCookie: [] }, { bearer: [] }, { apiKey: [] }],
        requestBody: { required: false, ...json(ref("DeployRequest")) },
        responses: {
          "202": { description: "Queued (or joined the waiting deploy).", ...json(ref("DeployAccepted")) },
          "400": error("`invalid_json`, `invalid_body` or `invalid_scope`."),
          "413": error("`payload_too_large`."),
          ...authErrors,
          ...stateChangeErrors,
          "403": error("`unrestricted_required`, `forbidden_host` or `foreign_origin`."),
        },
      },
    },
    "/deploy/mode": {
      get: {
        summary: "The deploy mode (admins only)",
        security: [{ sessionCookie: [] }, { bearer: [] }, { apiKey: [] }],
        responses: {
          "200": { description: "The mode.", ...json(ref("DeployMode")) },
          ...authErrors,
          "403": error("`forbidden` (not an admin) or `forbidden_host`."),
        },
      },
      put: {
        summary: "Set the deploy mode (admins only)",
        security: [{ sessionCookie: [] }, { bearer: [] }, { apiKey: [] }],
        requestBody: { required: true, ...json(ref("DeployMode")) },
        responses: {
          "200": { description: "The new mode.", ...json(ref("DeployMode")) },
          "400": error("`invalid_json` or `invalid_body`."),
          ...authErrors,
          ...stateChangeErrors,
          "403": error("`forbidden` (not an admin), `forbidden_host` or `foreign_origin`."),
        },
      },
    },
    "/deploy/releases": {
      get: {
        summary: "The releases on disk, newest first, the live one marked",
        security: [{ sessionCookie: [] }, { bearer: [] }, { apiKey: [] }],
        responses: {
          "200": { description: "The releases.", ...json(ref("ReleaseList")) },
          "409": error("`releases_unavailable`: this core-back runs without releases."),
          ...authErrors,
        },
      },
    },
    "/deploy/rollback": {
      post: {
        summary: "Make a known-good release live again (admins only), recorded on the deploy list",
        security: [{ sessionCookie: [] }, { bearer: [] }, { apiKey: [] }],
        requestBody: { required: true, ...json(ref("RollbackRequest")) },
        responses: {
          "200": { description: "The rollback, ended ok.", ...json(ref("Deploy")) },
          "400": error("`invalid_json` or `invalid_body`."),
          "404": error("`not_found`: no such release."),
          "409": error("`release_not_promotable`, `build_in_progress` or `releases_unavailable`."),
          "500": { description: "The rollback's gate failed.", ...json(ref("Deploy")) },
          ...authErrors,
          ...stateChangeErrors,
          "403": error("`forbidden` (not an admin), `forbidden_host` or `foreign_origin`."),
        },
      },
    },
    "/deploy/{id}": {
      get: {
        summary: "One deploy",
        security: [{ sessionCookie: [] }, { bearer: [] }, { apiKey: [] }],
        parameters: [{ name: "id", in: "path", required: true, schema: { type: "string" } }],
        responses: {
          "200": { description: "The deploy.", ...json(ref("Deploy")) },
          "400": error("`bad_request`: a malformed id encoding."),
          "404": error("`not_found`."),
          ...authErrors,
        },
      },
    },
    "/deploy/{id}/log": {
      get: {
        summary: "A deploy's log; `?follow=1` streams it until the deploy ends",
        security: [{ sessionCookie: [] }, { bearer: [] }, { apiKey: [] }],
        parameters: [
          { name: "id", in: "path", required: true, schema: { type: "string" } },
          {
            name: "follow",
            in: "query",
            required: false,
            schema: { type: "string", enum: ["true", "false", "1", "0"] },
          },
        ],
        responses: {
          "200": { description: "The log as text.", content: { "text/plain": { schema: { type: "string" } } } },
          "400": error("`invalid_query`."),
          "404": error("`not_found`."),
          ...authErrors,
        },
      },
    },
    "/deploy/{id}/cancel": {
      post: {
        summary: "Cancel a waiting or running deploy (its whole build process tree stops)",
        security: [{ sessionCookie: [] }, { bearer: [] }, { apiKey: [] }],
        parameters: [{ name: "id", in: "path", required: true, schema: { type: "string" } }],
        responses: {
          "200": { description: "The deploy, ended.", ...json(ref("Deploy")) },
          "404": error("`not_found`."),
          "409": error("`deploy_finished`: it already ended."),
          ...authErrors,
          ...stateChangeErrors,
        },
      },
    },
  },
} as const;
