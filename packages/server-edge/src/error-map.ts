import { ERROR_CODES } from "@app-building/types";

/** An error that carries its own HTTP status besides its stable code (the edge's refusals). */
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

/**
 * A server's HTTP status for each of its error codes: the one place its domain errors
 * (which carry a `code`, never a status) meet HTTP.
 */
export type StatusTable = Readonly<Record<string, number>>;

function isHttpError(error: unknown): error is HttpErrorLike {
  if (!(error instanceof Error)) return false;
  const { code, status } = error as Partial<HttpErrorLike>;
  return typeof code === "string" && typeof status === "number" && status >= 400 && status <= 599;
}

/** The status `statuses` gives a coded error, if it names the error's code. */
function tableStatus(error: unknown, statuses: StatusTable): number | undefined {
  if (!(error instanceof Error)) return undefined;
  const { code } = error as { code?: unknown };
  return typeof code === "string" && Object.hasOwn(statuses, code) ? statuses[code] : undefined;
}

/**
 * The one mapping of errors to HTTP for the three servers: an error whose `code` the
 * server's `statuses` table names answers `{error: code, message, ...details}` with that
 * status; so does an error carrying its own `status` (the edge's refusals); anything else
 * is `500 internal_error` with `internalMessage`, never the error's own text (which may
 * hold a path or a secret). `known` is true when the error was one of ours.
 *
 * @example
 * ```ts
 * const STATUSES = { build_in_progress: 409 } satisfies StatusTable;
 * const { status, body, known } = toErrorResponse(error, "see the server log", STATUSES);
 * if (!known) logger.error(error);
 * res.status(status).json(body);
 * ```
 */
export function toErrorResponse(
  error: unknown,
  internalMessage: string,
  statuses: StatusTable = {},
): ErrorResponse & { known: boolean } {
  const status = tableStatus(error, statuses) ?? (isHttpError(error) ? error.status : undefined);
  if (status !== undefined) {
    const { code, message, details } = error as { code: string; message: string; details?: Record<string, unknown> };
    return { status, body: { ...(details ?? {}), error: code, message }, known: true };
  }
  return { status: 500, body: { error: ERROR_CODES.internal, message: internalMessage }, known: false };
}
