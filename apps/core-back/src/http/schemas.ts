import { deployModeSchema, deployStatusSchema, errorBodySchema } from "@app-building/types";
import { z } from "zod";

/**
 * The zod schemas of core-back's own answers and queries (the shared DTOs are in
 * `@app-building/types`); the OpenAPI document is made from both.
 */

/** A boolean query flag as the routes read it (`queryFlag`). */
export const queryFlagSchema = z.enum(["true", "false", "1", "0"]);

/** `GET /health`. */
export const coreBackHealthSchema = z.object({
  ok: z.literal(true),
  service: z.literal("core-back"),
  local: z.boolean(),
  mode: deployModeSchema,
  release: z.string().nullable().meta({ description: "The release this process runs; null outside a release." }),
});

/** `409 build_in_progress` of `POST /api/v1/self/deploy?wait=false`. */
export const buildInProgressSchema = errorBodySchema.extend({
  error: z.literal("build_in_progress"),
  deployId: z.string(),
});

/** `504 deploy_timeout`: the wait cap passed, the deploy goes on. */
export const deployTimeoutSchema = errorBodySchema.extend({
  error: z.literal("deploy_timeout"),
  deployId: z.string(),
  status: deployStatusSchema,
});

/** The query of `POST /api/v1/self/deploy`. */
export const selfDeployQuerySchema = z.object({
  wait: queryFlagSchema.optional().meta({ description: "`false` answers 202 at once (or 409 while a build runs)." }),
});

/** The query of `GET /deploy`. */
export const deployListQuerySchema = z.object({
  limit: z.number().int().min(1).max(100).optional(),
  cursor: z.string().optional(),
});

/** The query of `GET /deploy/{id}/log`. */
export const deployLogQuerySchema = z.object({ follow: queryFlagSchema.optional() });
