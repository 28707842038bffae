import { z } from "zod";
import { buildScopeSchema, deployModeSchema, requestedScopeSchema } from "./build-scopes.js";

/**
 * Every status a deploy can have. `queued`, `building` and `restarting` are live; the
 * rest are terminal.
 *
 * @example
 * ```ts
 * import { deployListSchema, deployStatusSchema } from "@app-building/types";
 * const wanted = deployStatusSchema.parse(process.argv[2] ?? "error"); // a filter typed on the command line
 * const response = await fetch("http://127.0.0.1:4000/deploy?limit=100", {
 *   headers: { "x-api-key": process.env.CORE_BACK_API_KEY ?? "" },
 * });
 * const matching = deployListSchema.parse(await response.json()).items.filter((deploy) => deploy.status === wanted);
 * ```
 */
export const deployStatusSchema = z.enum([
  "queued",
  "building",
  "restarting",
  "ok",
  "error",
  "cancelled",
  "timed_out",
  "interrupted",
  "rolled_back",
]);
/**
 * A deploy status. `rolled_back`: the new release failed its gate and the platform
 * switched back to the last good release by itself (the answer's `release` is live).
 *
 * @example
 * ```ts
 * import { deploySchema, isTerminalStatus, type DeployStatus } from "@app-building/types";
 * async function statusOf(deployId: string, apiKey: string): Promise<DeployStatus> {
 *   const response = await fetch(`http://127.0.0.1:4000/deploy/${deployId}`, { headers: { "x-api-key": apiKey } });
 *   return deploySchema.parse(await response.json()).status;
 * }
 * const status = await statusOf("6f1c2a8e-0b7e-4a57-9a55-3f7d1c0e9a11", process.env.CORE_BACK_API_KEY ?? "");
 * console.log(isTerminalStatus(status) ? `ended: ${status}` : `still ${status}`);
 * ```
 */
export type DeployStatus = z.infer<typeof deployStatusSchema>;

/**
 * The statuses a deploy never leaves.
 *
 * @example
 * ```ts
 * import { TERMINAL_DEPLOY_STATUSES } from "@app-building/types";
 * console.log(`a deploy ends as one of: ${TERMINAL_DEPLOY_STATUSES.join(", ")}`);
 * ```
 */
export const TERMINAL_DEPLOY_STATUSES = [
  "ok",
  "error",
  "cancelled",
  "timed_out",
  "interrupted",
  "rolled_back",
] as const satisfies readonly DeployStatus[];
/**
 * A status a deploy never leaves.
 *
 * @example
 * ```ts
 * import { deploySchema, isTerminalStatus, type TerminalDeployStatus } from "@app-building/types";
 * async function finalStatus(deployId: string, apiKey: string): Promise<TerminalDeployStatus | null> {
 *   const response = await fetch(`http://127.0.0.1:4000/deploy/${deployId}`, { headers: { "x-api-key": apiKey } });
 *   const { status } = deploySchema.parse(await response.json());
 *   return isTerminalStatus(status) ? status : null; // null while queued or running
 * }
 * console.log(await finalStatus("6f1c2a8e-0b7e-4a57-9a55-3f7d1c0e9a11", process.env.CORE_BACK_API_KEY ?? ""));
 * ```
 */
export type TerminalDeployStatus = (typeof TERMINAL_DEPLOY_STATUSES)[number];

/**
 * Whether a status is terminal.
 *
 * @example
 * ```ts
 * import { setTimeout as sleep } from "node:timers/promises";
 * import { deploySchema, isTerminalStatus } from "@app-building/types";
 * const url = "http://127.0.0.1:4000/deploy/6f1c2a8e-0b7e-4a57-9a55-3f7d1c0e9a11";
 * const headers = { "x-api-key": process.env.CORE_BACK_API_KEY ?? "" };
 * let deploy = deploySchema.parse(await (await fetch(url, { headers })).json());
 * while (!isTerminalStatus(deploy.status)) {
 *   await sleep(2_000);
 *   deploy = deploySchema.parse(await (await fetch(url, { headers })).json());
 * }
 * console.log(deploy.status); // "ok", "error", ...
 * ```
 */
export function isTerminalStatus(status: DeployStatus): status is TerminalDeployStatus {
  return (TERMINAL_DEPLOY_STATUSES as readonly DeployStatus[]).includes(status);
}

/**
 * The phase a deploy is in, or ended in: where a failure happened. `build`: turbo in the
 * new release; `boot_check`: core-back of the new release started on a spare port before
 * promotion; `restart`: supervisord restarting a service; `health`: a restarted service
 * did not answer from the new release (health URL, smoke paths, settle window);
 * `rollback`: switching back to the last good release (or an admin's rollback).
 *
 * @example
 * ```ts
 * import { deployPhaseSchema } from "@app-building/types";
 * // The phases, in order, for a progress bar.
 * const phases = deployPhaseSchema.options; // ["queue", "build", "boot_check", "restart", "health", "rollback", "done"]
 * const progress = (phase: (typeof phases)[number]) => `${phases.indexOf(phase) + 1}/${phases.length} ${phase}`;
 * ```
 */
export const deployPhaseSchema = z
  .enum(["queue", "build", "boot_check", "restart", "health", "rollback", "done"])
  .meta({
    description:
      "Where the deploy is or ended: build (turbo in the new release), boot_check (core-back of the new release on a spare port), restart, health (health URL, smoke paths, settle window), rollback, done.",
  });
/**
 * A deploy phase.
 *
 * @example
 * ```ts
 * import { selfDeployResponseSchema, type DeployPhase } from "@app-building/types";
 * const whereItFailed: Record<DeployPhase, string> = {
 *   queue: "it never started",
 *   build: "the build failed: fix what the log tail shows",
 *   boot_check: "core-back of the new release did not start",
 *   restart: "the build passed, a service did not restart",
 *   health: "a restarted service did not answer from the new release",
 *   rollback: "switching back to the last good release failed",
 *   done: "nothing failed",
 * };
 * const response = await fetch("http://127.0.0.1:4000/api/v1/self/deploy", {
 *   method: "POST",
 *   headers: { authorization: `Bearer ${process.env.APP_BUILDING_DEPLOY_TOKEN ?? ""}`, "content-type": "application/json" },
 *   body: JSON.stringify({ scope: "platform" }),
 * });
 * const result = selfDeployResponseSchema.parse(await response.json());
 * if (!result.ok) console.error(whereItFailed[result.phase], result.logTail);
 * ```
 */
export type DeployPhase = z.infer<typeof deployPhaseSchema>;

/**
 * One deploy as the API returns it.
 *
 * @example
 * ```ts
 * import { deploySchema } from "@app-building/types";
 * const response = await fetch("http://127.0.0.1:4000/deploy/6f1c2a8e-0b7e-4a57-9a55-3f7d1c0e9a11", {
 *   headers: { "x-api-key": process.env.CORE_BACK_API_KEY ?? "" },
 * });
 * const deploy = deploySchema.parse(await response.json());
 * console.log(deploy.status, deploy.scope, deploy.filters);
 * ```
 */
export const deploySchema = z.object({
  id: z.string(),
  status: deployStatusSchema,
  scope: buildScopeSchema,
  filters: z.array(z.string()),
  requestedBy: z.string().nullable().meta({ description: "The signed-in user's email; null for a self-deploy." }),
  sessionId: z.string().nullable(),
  /** When the deploy was requested (ISO 8601). Queue time is `startedAt − createdAt`. */
  createdAt: z.string().meta({ format: "date-time" }),
  /** When the build started (ISO 8601), or null while the deploy waits or if it never built. */
  startedAt: z.string().nullable().meta({ format: "date-time", description: "When the build started." }),
  /**
   * When the turbo build finished, successfully or not, before any service restart (ISO
   * 8601); null until then, for a deploy that never built, or for a deploy recorded
   * before this field existed. Build time is `buildEndedAt − startedAt`; restart time is
   * `endedAt − buildEndedAt`.
   */
  buildEndedAt: z.string().nullable().meta({
    format: "date-time",
    description:
      "When the build finished, successfully or not, before any restart; null if it never built. Build time is buildEndedAt − startedAt, restart time endedAt − buildEndedAt.",
  }),
  /** When the deploy ended (ISO 8601), or null while it is live. */
  endedAt: z.string().nullable().meta({ format: "date-time" }),
  durationMs: z.number().int().nullable(),
  exitCode: z.number().int().nullable(),
  errorSummary: z.string().nullable(),
  phase: deployPhaseSchema,
  selfRestart: z.boolean().meta({ description: "core-back restarted itself right after this deploy answered." }),
  /** `deploy` (a build) or `rollback` (an admin switched the live release). */
  action: z.enum(["deploy", "rollback"]).meta({ description: "A build, or an admin's rollback." }),
  /** The release this deploy built (null until its snapshot exists). */
  builtRelease: z.string().nullable().meta({ description: "The release this deploy built (or rolled back to)." }),
  /** The release live when the deploy ended (null while it runs, or without releases). */
  release: z.string().nullable().meta({ description: "The release live when the deploy ended." }),
});
/**
 * One deploy.
 *
 * @example
 * ```ts
 * import { deploySchema, type Deploy } from "@app-building/types";
 * async function getDeploy(deployId: string, apiKey: string): Promise<Deploy> {
 *   const response = await fetch(`http://127.0.0.1:4000/deploy/${deployId}`, { headers: { "x-api-key": apiKey } });
 *   return deploySchema.parse(await response.json());
 * }
 * const deploy = await getDeploy("6f1c2a8e-0b7e-4a57-9a55-3f7d1c0e9a11", process.env.CORE_BACK_API_KEY ?? "");
 * if (deploy.startedAt !== null) console.log(`waited ${Date.parse(deploy.startedAt) - Date.parse(deploy.createdAt)} ms to build`);
 * ```
 */
export type Deploy = z.infer<typeof deploySchema>;

/**
 * The body of `POST /api/v1/self/deploy` and `POST /deploy`.
 *
 * @example
 * ```ts
 * import { selfDeployRequestSchema } from "@app-building/types";
 * // Check the body before a ten-minute call: an unknown field or scope fails here, at once.
 * const body = selfDeployRequestSchema.parse({ scope: process.env.DEPLOY_SCOPE ?? "auto", sessionId: "s1" });
 * await fetch("http://127.0.0.1:4000/api/v1/self/deploy", {
 *   method: "POST",
 *   headers: { authorization: `Bearer ${process.env.APP_BUILDING_DEPLOY_TOKEN ?? ""}`, "content-type": "application/json" },
 *   body: JSON.stringify(body),
 * });
 * ```
 */
export const selfDeployRequestSchema = z
  .object({
    scope: requestedScopeSchema.optional(),
    sessionId: z.string().min(1).max(200).optional(),
  })
  .strict();
/**
 * A deploy request.
 *
 * @example
 * ```ts
 * import { selfDeployResponseSchema, type SelfDeployRequest } from "@app-building/types";
 * async function selfDeploy(body: SelfDeployRequest) {
 *   const response = await fetch("http://127.0.0.1:4000/api/v1/self/deploy", {
 *     method: "POST",
 *     headers: { authorization: `Bearer ${process.env.APP_BUILDING_DEPLOY_TOKEN ?? ""}`, "content-type": "application/json" },
 *     body: JSON.stringify(body),
 *     signal: AbortSignal.timeout(600_000), // the call answers once the deploy has ended
 *   });
 *   return selfDeployResponseSchema.parse(await response.json());
 * }
 * const result = await selfDeploy({ scope: "platform", sessionId: "s1" });
 * console.log(result.ok ? `live: ${result.release ?? "the checkout"}` : result.errorSummary);
 * ```
 */
export type SelfDeployRequest = z.infer<typeof selfDeployRequestSchema>;

/**
 * The `202` of `POST /deploy` and of `POST /api/v1/self/deploy?wait=false`: the deploy
 * is queued, or the request joined the one already waiting to build.
 *
 * @example
 * ```ts
 * import { deployAcceptedSchema } from "@app-building/types";
 *
 * const response = await fetch("http://127.0.0.1:4000/deploy", {
 *   method: "POST",
 *   headers: { "x-api-key": process.env.CORE_BACK_API_KEY ?? "", "content-type": "application/json" },
 *   body: JSON.stringify({ scope: "platform" }),
 * });
 * const accepted = deployAcceptedSchema.parse(await response.json());
 * console.log(accepted.joined ? `joined ${accepted.deployId}` : `queued ${accepted.deployId}`);
 * ```
 */
export const deployAcceptedSchema = z.object({
  deployId: z.string(),
  status: deployStatusSchema,
  scope: buildScopeSchema,
  joined: z.boolean().meta({ description: "Whether the request joined a deploy already waiting to build." }),
});
/**
 * A queued deploy, as {@link deployAcceptedSchema} parses it.
 *
 * @example
 * ```ts
 * import { deployAcceptedSchema, type DeployAccepted } from "@app-building/types";
 *
 * async function queue(scope: "platform" | "all", apiKey: string): Promise<DeployAccepted> {
 *   const response = await fetch("http://127.0.0.1:4000/deploy", {
 *     method: "POST",
 *     headers: { "x-api-key": apiKey, "content-type": "application/json" },
 *     body: JSON.stringify({ scope }),
 *   });
 *   return deployAcceptedSchema.parse(await response.json());
 * }
 * const { deployId } = await queue("platform", process.env.CORE_BACK_API_KEY ?? "");
 * ```
 */
export type DeployAccepted = z.infer<typeof deployAcceptedSchema>;

/**
 * The answer of a blocking self-deploy: `200` with `ok: true`, `500` with `ok: false`.
 *
 * @example
 * ```ts
 * import { selfDeployResponseSchema } from "@app-building/types";
 * const response = await fetch("http://127.0.0.1:4000/api/v1/self/deploy", {
 *   method: "POST",
 *   headers: { authorization: `Bearer ${process.env.APP_BUILDING_DEPLOY_TOKEN ?? ""}`, "content-type": "application/json" },
 *   body: JSON.stringify({ scope: "platform" }),
 * });
 * const result = selfDeployResponseSchema.parse(await response.json()); // a 500 has the same shape
 * if (!result.ok) console.error(result.errorSummary);
 * ```
 */
export const selfDeployResponseSchema = z.object({
  ok: z.boolean(),
  deployId: z.string(),
  status: deployStatusSchema,
  scope: buildScopeSchema,
  durationMs: z.number().int().nullable(),
  exitCode: z.number().int().nullable(),
  errorSummary: z.string().nullable().meta({
    description:
      "What failed, naming the service and quoting only this attempt's output (crash output, exit code, or no answer on :PORT/health within N s).",
  }),
  /** Where the deploy ended: the failing phase, or `done`. */
  phase: deployPhaseSchema,
  /** The release live after this deploy (the new one when `ok`, the last good one when `rolled_back`). */
  release: z.string().nullable().meta({
    description: "The release live after this deploy: the new one when ok, the last good one when rolled_back.",
  }),
  /**
   * True when the scope restarts core-back itself: it answered before that restart, and a
   * watcher gates it (confirm with `GET /health`'s `release`; see the self-edit API).
   */
  selfRestart: z.boolean().meta({
    description:
      "True when the scope restarts core-back itself: it answered first, and a watcher gates the restart (confirm with GET /health).",
  }),
  logTail: z.string().meta({ description: "The last 8 KB of the deploy log, cut on a UTF-8 boundary." }),
});
/**
 * The answer of a blocking self-deploy.
 *
 * @example
 * ```ts
 * import { selfDeployResponseSchema, type SelfDeployResponse } from "@app-building/types";
 * async function deploySelf(token: string): Promise<SelfDeployResponse> {
 *   const response = await fetch("http://127.0.0.1:4000/api/v1/self/deploy", {
 *     method: "POST",
 *     headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
 *     body: "{}",
 *   });
 *   return selfDeployResponseSchema.parse(await response.json());
 * }
 * const result = await deploySelf(process.env.APP_BUILDING_DEPLOY_TOKEN ?? "");
 * if (!result.ok) console.error(result.errorSummary);
 * ```
 */
export type SelfDeployResponse = z.infer<typeof selfDeployResponseSchema>;

/**
 * `GET|PUT /deploy/mode` body.
 *
 * @example
 * ```ts
 * import { deployModeBodySchema } from "@app-building/types";
 * const response = await fetch("http://127.0.0.1:4000/deploy/mode", {
 *   headers: { "x-api-key": process.env.CORE_BACK_API_KEY ?? "" }, // an admin's key
 * });
 * const { mode } = deployModeBodySchema.parse(await response.json()); // "restricted" | "unrestricted"
 * ```
 */
export const deployModeBodySchema = z.object({ mode: deployModeSchema }).strict();
/**
 * The deploy mode body.
 *
 * @example
 * ```ts
 * import { deployModeBodySchema, type DeployModeBody } from "@app-building/types";
 * async function setMode(apiKey: string, body: DeployModeBody): Promise<DeployModeBody> {
 *   const response = await fetch("http://127.0.0.1:4000/deploy/mode", {
 *     method: "PUT",
 *     headers: { "x-api-key": apiKey, "content-type": "application/json" },
 *     body: JSON.stringify(body),
 *   });
 *   return deployModeBodySchema.parse(await response.json());
 * }
 * await setMode(process.env.CORE_BACK_API_KEY ?? "", { mode: "unrestricted" }); // an admin's key
 * ```
 */
export type DeployModeBody = z.infer<typeof deployModeBodySchema>;

/**
 * A page of deploys, newest first.
 *
 * @example
 * ```ts
 * import { deployListSchema } from "@app-building/types";
 * const headers = { "x-api-key": process.env.CORE_BACK_API_KEY ?? "" };
 * let cursor: string | null = null;
 * do {
 *   const query: string = cursor === null ? "" : `?cursor=${encodeURIComponent(cursor)}`;
 *   const page = deployListSchema.parse(await (await fetch(`http://127.0.0.1:4000/deploy${query}`, { headers })).json());
 *   for (const deploy of page.items) console.log(deploy.id, deploy.status);
 *   cursor = page.nextCursor; // null at the end
 * } while (cursor !== null);
 * ```
 */
export const deployListSchema = z.object({
  items: z.array(deploySchema),
  nextCursor: z.string().nullable(),
});
/**
 * A page of deploys.
 *
 * @example
 * ```ts
 * import { deployListSchema, type Deploy, type DeployList } from "@app-building/types";
 * async function deployPage(apiKey: string, cursor: string | null): Promise<DeployList> {
 *   const after = cursor === null ? "" : `&cursor=${encodeURIComponent(cursor)}`;
 *   const response = await fetch(`http://127.0.0.1:4000/deploy?limit=100${after}`, { headers: { "x-api-key": apiKey } });
 *   return deployListSchema.parse(await response.json());
 * }
 * const apiKey = process.env.CORE_BACK_API_KEY ?? "";
 * let page = await deployPage(apiKey, null);
 * const all: Deploy[] = [...page.items];
 * while (page.nextCursor !== null) {
 *   page = await deployPage(apiKey, page.nextCursor);
 *   all.push(...page.items);
 * }
 * ```
 */
export type DeployList = z.infer<typeof deployListSchema>;
