import { ERROR_CODES } from "@app-building/types";

/** An error that knows its stable code and HTTP status (every server's own errors, and the edge's). */
export interface HttpErrorLike {
  code: string;
  status: number;
  message: string;
  details?: Record<string, unknown>;
}

/** The JSON answer for an error: `{error, message, ...details}` and its status. */
export interface ErrorResponse {
  status: number;
  body: { error: string; message: string } & Record<string, unknown>;
}

function isHttpError(error: unknown): error is HttpErrorLike {
  if (!(error instanceof Error)) return false;
  const { code, status } = error as Partial<HttpErrorLike>;
  return typeof code === "string" && typeof status === "number" && status >= 400 && status <= 599;
}

/**
 * The one mapping of errors to HTTP for the three servers: an error carrying a stable
 * `code` and a `status` answers `{error: code, message, ...details}` with that status;
 * anything else is `500 internal_error` with `internalMessage`, never the error's own text
 * (which may hold a path or a secret). `known` is true when the error was one of ours.
 *
 * @example
 * ```ts
 * const { status, body, known } = toErrorResponse(error, "see the server log");
 * if (!known) logger.error(error);
 * res.status(status).json(body);
 * ```
 */
export function toErrorResponse(error: unknown, internalMessage: string): ErrorResponse & { known: boolean } {
  if (isHttpError(error)) {
    const details = error.details ?? {};
    return { status: error.status, body: { ...details, error: error.code, message: error.message }, known: true };
  }
  return { status: 500, body: { error: ERROR_CODES.internal, message: internalMessage }, known: false };
}
