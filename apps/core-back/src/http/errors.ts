import type { ErrorRequestHandler, RequestHandler } from "express";
import type { Logger } from "pino";
import { EdgeError, toErrorResponse } from "@app-building/server-edge";
import { ERROR_CODES } from "@app-building/types";
import {
  AppError,
  type AppErrorCode,
  BadRequestError,
  InternalError,
  InvalidBodyError,
  InvalidJsonError,
  NotFoundError,
  PayloadTooLargeError,
} from "../errors.js";

/**
 * The HTTP status of every code core-back's errors carry: the one place its domain errors
 * meet HTTP (the edge's own refusals carry theirs). A code missing here fails the typecheck.
 */
export const STATUS_BY_CODE = {
  [ERROR_CODES.invalidBody]: 400,
  [ERROR_CODES.invalidQuery]: 400,
  [ERROR_CODES.invalidJson]: 400,
  [ERROR_CODES.badRequest]: 400,
  [ERROR_CODES.invalidScope]: 400,
  [ERROR_CODES.unauthorized]: 401,
  [ERROR_CODES.unrestrictedRequired]: 403,
  [ERROR_CODES.forbidden]: 403,
  [ERROR_CODES.notFound]: 404,
  [ERROR_CODES.methodNotAllowed]: 405,
  [ERROR_CODES.releaseNotPromotable]: 409,
  [ERROR_CODES.releasesUnavailable]: 409,
  [ERROR_CODES.buildInProgress]: 409,
  [ERROR_CODES.deployFinished]: 409,
  [ERROR_CODES.payloadTooLarge]: 413,
  [ERROR_CODES.internal]: 500,
  [ERROR_CODES.shuttingDown]: 503,
  [ERROR_CODES.deployTimeout]: 504,
} as const satisfies Record<AppErrorCode, number>;

/** The HTTP status core-back answers an error of its hierarchy with. */
export function statusOf(error: AppError): number {
  return STATUS_BY_CODE[error.code];
}

interface BodyParserError {
  type?: unknown;
  status?: unknown;
  limit?: unknown;
}

/** Turns body-parser's errors (malformed JSON, too large, bad charset) into typed errors. */
function fromBodyParser(error: unknown): AppError | undefined {
  if (typeof error !== "object" || error === null) return undefined;
  const { type, limit } = error as BodyParserError;
  if (type === "entity.parse.failed") {
    return new InvalidJsonError('the body is not valid JSON: send a JSON object such as {"scope":"platform"}', error);
  }
  if (type === "entity.too.large") return new PayloadTooLargeError(typeof limit === "number" ? limit : 0);
  if (type === "encoding.unsupported" || type === "charset.unsupported") {
    return new InvalidBodyError("the body's encoding is not supported: send plain UTF-8 JSON");
  }
  if (type === "request.aborted" || type === "request.size.invalid" || type === "stream.encoding.set") {
    return new InvalidBodyError("the body was cut short or mis-sized: send it again");
  }
  // Anything else Express or its parsers refuse as the client's fault (a malformed
  // percent-encoding in the path, a corrupt compressed body) is a 400, never a 500.
  const status =
    (error as { status?: unknown; statusCode?: unknown }).status ?? (error as { statusCode?: unknown }).statusCode;
  if (typeof status === "number" && status >= 400 && status < 500) {
    return new BadRequestError(
      "the request is malformed (URL encoding, body encoding or framing): fix it and send it again",
      error,
    );
  }
  return undefined;
}

/** Any unknown route is a JSON 404. */
export const notFoundHandler: RequestHandler = (req) => {
  throw new NotFoundError(`no route ${req.method} ${req.path}: see docs/self-edit/api.md`);
};

/**
 * The one place errors become HTTP: `{error: code, message, ...details}` with the status
 * {@link STATUS_BY_CODE} gives the code (an edge refusal brings its own). Unknown failures are logged and answered `500 internal_error` without their text.
 */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, _next) => {
    const known = error instanceof AppError || error instanceof EdgeError ? error : fromBodyParser(error);
    // Only core-back's own errors are looked up by code: a library's error that happens to
    // carry one of our codes is still a 500 whose text stays in the log.
    const statuses = known instanceof AppError ? STATUS_BY_CODE : {};
    const answer = toErrorResponse(known ?? error, new InternalError(error).message, statuses);
    if (!answer.known || known instanceof InternalError)
      logger.error({ err: error, method: req.method, path: req.path }, "request failed unexpectedly");
    if (res.headersSent) {
      res.destroy();
      return;
    }
    res.status(answer.status).json(answer.body);
  };
}
