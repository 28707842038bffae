import { deployModeSchema, deployStatusSchema, errorBodySchema } from "@app-building/types";
import { z } from "zod";

/**
 * The zod schemas of core-back's own answers and queries (the shared DTOs are in
 * `@app-building/types`); the OpenAPI document is made from both, and the routes parse
 * their queries with the same schemas (`parseQuery`). A query field's error message is
 * what follows `?<name>` in the `invalid_query` answer.
 */

/** A boolean query flag: `true`/`1` or `false`/`0`, and `fallback` when absent. */
function queryFlag(fallback: boolean) {
  return z
    .enum(["true", "false", "1", "0"], { error: "must be true, false, 1 or 0" })
    .transform((flag) => flag === "true" || flag === "1")
    .prefault(fallback ? "true" : "false");
}

/** A whole number from `min` to `max` in digits (no sign, point or exponent), `fallback` when absent. */
function queryInt(min: number, max: number, fallback: number) {
  const error = `must be a whole number from ${min} to ${max}`;
  return z
    .preprocess(
      (value) => (typeof value === "string" && /^\d+$/.test(value) ? Number(value) : value),
      z.number({ error }).int({ error }).min(min, { error }).max(max, { error }),
    )
    .prefault(fallback);
}

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
  wait: queryFlag(true).meta({ description: "`false` answers 202 at once (or 409 while a build runs)." }),
});

/** The query of `GET /deploy`. */
export const deployListQuerySchema = z.object({
  limit: queryInt(1, 100, 20),
  cursor: z
    .string({ error: "must be the nextCursor of a previous page" })
    .regex(/^\d{1,15}$/, { error: "must be the nextCursor of a previous page" })
    .optional()
    .meta({ description: "The `nextCursor` of the previous page." }),
});

/** The query of `GET /deploy/{id}/log`. */
export const deployLogQuerySchema = z.object({
  follow: queryFlag(false).meta({ description: "`true` streams the log until the deploy ends." }),
});
