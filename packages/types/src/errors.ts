import { z } from "zod";

/**
 * Every HTTP error of the platform is this JSON: a stable code and what to do next.
 *
 * @example
 * ```ts
 * import { errorBodySchema } from "@app-building/types";
 * const response = await fetch("http://127.0.0.1:4000/deploy", {
 *   method: "POST",
 *   headers: { "x-api-key": process.env.CORE_BACK_API_KEY ?? "", "content-type": "application/json" },
 *   body: JSON.stringify({ scope: "all" }),
 * });
 * if (!response.ok) {
 *   const { error, message } = errorBodySchema.parse(await response.json());
 *   console.error(`${error}: ${message}`); // "unrestricted_required: ..." while restricted
 * }
 * ```
 */
export const errorBodySchema = z
  .object({
    error: z.string(),
    message: z.string(),
  })
  .catchall(z.unknown());
/**
 * An HTTP error body.
 *
 * @example
 * ```ts
 * import { errorBodySchema, type ErrorBody } from "@app-building/types";
 * async function failureOf(response: Response): Promise<ErrorBody> {
 *   return errorBodySchema.parse(await response.json());
 * }
 * const response = await fetch("http://127.0.0.1:4000/deploy/releases", {
 *   headers: { "x-api-key": process.env.CORE_BACK_API_KEY ?? "" },
 * });
 * if (!response.ok) {
 *   const { error, message } = await failureOf(response);
 *   console.error(error, message);
 * }
 * ```
 */
export type ErrorBody = z.infer<typeof errorBodySchema>;

/**
 * The stable error codes shared by the platform's servers: every code one of them sends,
 * in an HTTP error body (`{error: code, message}`) or, for `invalid_env` and
 * `startup_failed`, in the failed ready line a server prints when it cannot start
 * (`{"ready":false,"error":code,"message":...}`). The SDK's own, client-side codes are
 * `SDK_ERROR_CODES` of `@app-building/sdk`.
 *
 * @example
 * ```ts
 * import { ERROR_CODES, errorBodySchema } from "@app-building/types";
 * const response = await fetch("http://127.0.0.1:4000/deploy/mode", {
 *   headers: { "x-api-key": process.env.CORE_BACK_API_KEY ?? "" },
 * });
 * if (!response.ok) {
 *   const body = errorBodySchema.parse(await response.json());
 *   if (body.error === ERROR_CODES.unauthorized) console.error("set CORE_BACK_API_KEY to an admin's key");
 * }
 * ```
 */
export const ERROR_CODES = {
  invalidBody: "invalid_body",
  invalidJson: "invalid_json",
  invalidQuery: "invalid_query",
  payloadTooLarge: "payload_too_large",
  unauthorized: "unauthorized",
  forbidden: "forbidden",
  notFound: "not_found",
  internal: "internal_error",
  notLocalhost: "not_localhost",
  invalidScope: "invalid_scope",
  unrestrictedRequired: "unrestricted_required",
  buildInProgress: "build_in_progress",
  deployTimeout: "deploy_timeout",
  containerStopping: "container_stopping",
  badRequest: "bad_request",
  deployFinished: "deploy_finished",
  shuttingDown: "shutting_down",
  methodNotAllowed: "method_not_allowed",
  forbiddenHost: "forbidden_host",
  foreignOrigin: "foreign_origin",
  unsupportedMediaType: "unsupported_media_type",
  tooManyRequests: "too_many_requests",
  releaseNotPromotable: "release_not_promotable",
  releasesUnavailable: "releases_unavailable",
  invalidEnv: "invalid_env",
  startupFailed: "startup_failed",
} as const;
/**
 * A shared error code.
 *
 * @example
 * ```ts
 * import { ERROR_CODES, errorBodySchema, type ErrorCode } from "@app-building/types";
 * // The answers worth calling again for: the platform is busy, not refusing.
 * const TRY_AGAIN: readonly ErrorCode[] = [ERROR_CODES.buildInProgress, ERROR_CODES.shuttingDown, ERROR_CODES.tooManyRequests];
 * const response = await fetch("http://127.0.0.1:4000/api/v1/self/deploy?wait=false", {
 *   method: "POST",
 *   headers: { authorization: `Bearer ${process.env.APP_BUILDING_DEPLOY_TOKEN ?? ""}`, "content-type": "application/json" },
 *   body: "{}",
 * });
 * if (!response.ok) {
 *   const { error, message } = errorBodySchema.parse(await response.json());
 *   console.error(TRY_AGAIN.includes(error as ErrorCode) ? `busy, call again later: ${message}` : message);
 * }
 * ```
 */
export type ErrorCode = (typeof ERROR_CODES)[keyof typeof ERROR_CODES];
