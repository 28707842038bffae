import { z } from "zod";
import { BUILD_SCOPES, deployModeSchema, requestedScopeSchema } from "./build-scopes.js";

/**
 * Every status a deploy can have. `queued`, `building` and `restarting` are live; the
 * rest are terminal.
 *
 * @example
 * ```ts
 * deployStatusSchema.parse("building");
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
 * const status: DeployStatus = "building";
 * ```
 */
export type DeployStatus = z.infer<typeof deployStatusSchema>;

/**
 * The statuses a deploy never leaves.
 *
 * @example
 * ```ts
 * isTerminalStatus("ok"); // true
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
 * const status: DeployStatus = "ok";
 * if (isTerminalStatus(status)) {
 *   const final: TerminalDeployStatus = status;
 * }
 * ```
 */
export type TerminalDeployStatus = (typeof TERMINAL_DEPLOY_STATUSES)[number];

/**
 * Whether a status is terminal.
 *
 * @example
 * ```ts
 * isTerminalStatus("queued"); // false
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
 * deployPhaseSchema.parse("restart");
 * ```
 */
export const deployPhaseSchema = z.enum(["queue", "build", "boot_check", "restart", "health", "rollback", "done"]);
/**
 * A deploy phase.
 *
 * @example
 * ```ts
 * const phase: DeployPhase = "restart"; // the build passed, a service did not restart
 * ```
 */
export type DeployPhase = z.infer<typeof deployPhaseSchema>;

/**
 * One deploy as the API returns it.
 *
 * @example
 * ```ts
 * const deploy = deploySchema.parse(await (await fetch(url)).json());
 * ```
 */
export const deploySchema = z.object({
  id: z.string(),
  status: deployStatusSchema,
  scope: z.enum(BUILD_SCOPES),
  filters: z.array(z.string()),
  requestedBy: z.string().nullable(),
  sessionId: z.string().nullable(),
  /** When the deploy was requested (ISO 8601). Queue time is `startedAt − createdAt`. */
  createdAt: z.string(),
  /** When the build started (ISO 8601), or null while the deploy waits or if it never built. */
  startedAt: z.string().nullable(),
  /**
   * When the turbo build finished, successfully or not, before any service restart (ISO
   * 8601); null until then, for a deploy that never built, or for a deploy recorded
   * before this field existed. Build time is `buildEndedAt − startedAt`; restart time is
   * `endedAt − buildEndedAt`.
   */
  buildEndedAt: z.string().nullable(),
  /** When the deploy ended (ISO 8601), or null while it is live. */
  endedAt: z.string().nullable(),
  durationMs: z.number().int().nullable(),
  exitCode: z.number().int().nullable(),
  errorSummary: z.string().nullable(),
  phase: deployPhaseSchema,
  selfRestart: z.boolean(),
  /** `deploy` (a build) or `rollback` (an admin switched the live release). */
  action: z.enum(["deploy", "rollback"]),
  /** The release this deploy built (null until its snapshot exists). */
  builtRelease: z.string().nullable(),
  /** The release live when the deploy ended (null while it runs, or without releases). */
  release: z.string().nullable(),
});
/**
 * One deploy.
 *
 * @example
 * ```ts
 * const deploy: Deploy = deploySchema.parse(await (await fetch(url)).json());
 * ```
 */
export type Deploy = z.infer<typeof deploySchema>;

/**
 * The body of `POST /api/v1/self/deploy` and `POST /deploy`.
 *
 * @example
 * ```ts
 * selfDeployRequestSchema.parse({ scope: "platform", sessionId: "abc" });
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
 * const body: SelfDeployRequest = { scope: "platform", sessionId: "s1" };
 * ```
 */
export type SelfDeployRequest = z.infer<typeof selfDeployRequestSchema>;

/**
 * The answer of a blocking self-deploy: `200` with `ok: true`, `500` with `ok: false`.
 *
 * @example
 * ```ts
 * const result = selfDeployResponseSchema.parse(body);
 * if (!result.ok) console.error(result.errorSummary);
 * ```
 */
export const selfDeployResponseSchema = z.object({
  ok: z.boolean(),
  deployId: z.string(),
  status: deployStatusSchema,
  scope: z.enum(BUILD_SCOPES),
  durationMs: z.number().int().nullable(),
  exitCode: z.number().int().nullable(),
  errorSummary: z.string().nullable(),
  /** Where the deploy ended: the failing phase, or `done`. */
  phase: deployPhaseSchema,
  /** The release live after this deploy (the new one when `ok`, the last good one when `rolled_back`). */
  release: z.string().nullable(),
  logTail: z.string(),
});
/**
 * The answer of a blocking self-deploy.
 *
 * @example
 * ```ts
 * const result: SelfDeployResponse = selfDeployResponseSchema.parse(await response.json());
 * if (!result.ok) console.error(result.errorSummary);
 * ```
 */
export type SelfDeployResponse = z.infer<typeof selfDeployResponseSchema>;

/**
 * `GET|PUT /deploy/mode` body.
 *
 * @example
 * ```ts
 * deployModeBodySchema.parse({ mode: "unrestricted" });
 * ```
 */
export const deployModeBodySchema = z.object({ mode: deployModeSchema }).strict();
/**
 * The deploy mode body.
 *
 * @example
 * ```ts
 * const body: DeployModeBody = { mode: "unrestricted" };
 * ```
 */
export type DeployModeBody = z.infer<typeof deployModeBodySchema>;

/**
 * A page of deploys, newest first.
 *
 * @example
 * ```ts
 * const page = deployListSchema.parse(body);
 * page.nextCursor; // pass as ?cursor= for the next page, or null at the end
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
 * const page: DeployList = deployListSchema.parse(await response.json());
 * ```
 */
export type DeployList = z.infer<typeof deployListSchema>;
