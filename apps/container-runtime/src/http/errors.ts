import { toErrorResponse, type ErrorResponse } from "@app-building/server-edge";
import { ERROR_CODES } from "@app-building/types";
import { AppError, type AppErrorCode } from "../errors.js";

/**
 * The HTTP status of every code the runtime's errors carry: the one place they meet HTTP
 * (the edge's refusals carry their own). A code missing here fails the typecheck.
 */
export const STATUS_BY_CODE = {
  [ERROR_CODES.invalidBody]: 400,
  [ERROR_CODES.invalidQuery]: 400,
  [ERROR_CODES.invalidJson]: 400,
  [ERROR_CODES.unauthorized]: 401,
  [ERROR_CODES.notFound]: 404,
  [ERROR_CODES.containerStopping]: 409,
} as const satisfies Record<AppErrorCode, number>;

/**
 * The runtime's answer for an error: `{error: code, message, ...details}` with the status
 * {@link STATUS_BY_CODE} gives the code (an edge refusal brings its own); anything else is
 * `500 internal_error` without its text.
 */
export function errorAnswer(error: unknown): ErrorResponse & { known: boolean } {
  // Only the runtime's own errors are looked up by code: a library's error that happens to
  // carry one of our codes is still a 500 whose text stays in the journal.
  const statuses = error instanceof AppError ? STATUS_BY_CODE : {};
  return toErrorResponse(error, "the runtime failed to answer; see GET /logs", statuses);
}
