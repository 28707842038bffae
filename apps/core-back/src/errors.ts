import { ERROR_CODES } from "@app-building/types";

/**
 * The codes core-back's errors carry. Each has one HTTP status in `http/errors.ts`, the
 * one place codes meet HTTP (a code without a status fails its test and the typecheck).
 */
export const APP_ERROR_CODES = [
  ERROR_CODES.invalidBody,
  ERROR_CODES.invalidQuery,
  ERROR_CODES.invalidJson,
  ERROR_CODES.badRequest,
  ERROR_CODES.payloadTooLarge,
  ERROR_CODES.methodNotAllowed,
  ERROR_CODES.invalidScope,
  ERROR_CODES.unrestrictedRequired,
  ERROR_CODES.unauthorized,
  ERROR_CODES.forbidden,
  ERROR_CODES.notFound,
  ERROR_CODES.releaseNotPromotable,
  ERROR_CODES.releasesUnavailable,
  ERROR_CODES.buildInProgress,
  ERROR_CODES.deployFinished,
  ERROR_CODES.deployTimeout,
  ERROR_CODES.shuttingDown,
  ERROR_CODES.internal,
] as const;

/** A code of core-back's error hierarchy. */
export type AppErrorCode = (typeof APP_ERROR_CODES)[number];

/**
 * The one error hierarchy of core-back. Every failure a caller can see is an `AppError`
 * with a stable `code`, a message that says what to do next and, in `details`, the fields
 * a caller may act on. Errors know nothing about HTTP: the error middleware
 * (`http/errors.ts`) gives each code its status and answers `{error: code, message,
 * ...details}` JSON.
 */
export class AppError extends Error {
  readonly code: AppErrorCode;
  readonly details: Record<string, unknown>;

  constructor(
    code: AppErrorCode,
    message: string,
    options: { cause?: unknown; details?: Record<string, unknown> } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.details = options.details ?? {};
  }
}

/** A request body or query that does not match the contract. */
export class InvalidBodyError extends AppError {
  constructor(message: string, details: Record<string, unknown> = {}) {
    super(ERROR_CODES.invalidBody, message, { details });
  }
}

/** A query string that does not match the contract. */
export class InvalidQueryError extends AppError {
  constructor(message: string) {
    super(ERROR_CODES.invalidQuery, message);
  }
}

/** A body that is not JSON. */
export class InvalidJsonError extends AppError {
  constructor(message: string, cause?: unknown) {
    super(ERROR_CODES.invalidJson, message, { cause });
  }
}

/** A request HTTP itself refuses: a malformed URL, a body that cannot be decoded. */
export class BadRequestError extends AppError {
  constructor(message: string, cause?: unknown) {
    super(ERROR_CODES.badRequest, message, { cause });
  }
}

/** A body over the size limit. */
export class PayloadTooLargeError extends AppError {
  constructor(limitBytes: number) {
    super(ERROR_CODES.payloadTooLarge, `the request body is larger than ${limitBytes} bytes: send less`);
  }
}

/** An HTTP method no route of core-back answers, such as `TRACE`. */
export class MethodNotAllowedError extends AppError {
  constructor(method: string, allowed: readonly string[]) {
    super(ERROR_CODES.methodNotAllowed, `${method} is not supported: use ${allowed.join(", ")}`, {
      details: { allowed },
    });
  }
}

/** A scope name that is not `auto`, `platform` or `all`. */
export class InvalidScopeError extends AppError {
  constructor(scope: unknown) {
    super(ERROR_CODES.invalidScope, `unknown scope ${JSON.stringify(scope)}: use "auto", "platform" or "all"`);
  }
}

/** A scope the current deploy mode does not allow. */
export class UnrestrictedRequiredError extends AppError {
  constructor(scope: string) {
    super(
      ERROR_CODES.unrestrictedRequired,
      `scope "${scope}" needs unrestricted mode; the platform is in restricted mode: use "platform" or "auto"`,
    );
  }
}

/** No or invalid credentials. */
export class UnauthorizedError extends AppError {
  constructor(message = "sign in: send a session cookie, an Authorization: Bearer token or an x-api-key header") {
    super(ERROR_CODES.unauthorized, message);
  }
}

/** Signed in, but not allowed. */
export class ForbiddenError extends AppError {
  constructor(message: string) {
    super(ERROR_CODES.forbidden, message);
  }
}

/** An unknown route or resource. */
export class NotFoundError extends AppError {
  constructor(message: string) {
    super(ERROR_CODES.notFound, message);
  }
}

/** A deploy id that does not exist. */
export class DeployNotFoundError extends NotFoundError {
  constructor(readonly deployId: string) {
    super(`no deploy has the id "${deployId}": list deploys with GET /deploy`);
  }
}

/** A release id that does not exist. */
export class ReleaseNotFoundError extends NotFoundError {
  constructor(readonly releaseId: string) {
    super(`no release has the id "${releaseId}": list releases with GET /deploy/releases`);
  }
}

/** A release that may not become live: still building, or failed. */
export class ReleaseNotPromotableError extends AppError {
  constructor(releaseId: string, state: string) {
    super(
      ERROR_CODES.releaseNotPromotable,
      `release ${releaseId} is ${state}: only a release whose build passed can become live; pick a "good" one from GET /deploy/releases`,
      { details: { releaseId, state } },
    );
  }
}

/** Releases are not configured on this server (no supervisord, no release dir). */
export class ReleasesUnavailableError extends AppError {
  constructor() {
    super(
      ERROR_CODES.releasesUnavailable,
      "this core-back runs without releases (no RELEASES_DIR): start the platform with npm start to get them",
    );
  }
}

/** A `?wait=false` request while a build runs. */
export class BuildInProgressError extends AppError {
  constructor(runningDeployId: string) {
    super(
      ERROR_CODES.buildInProgress,
      "a build is running: call again without ?wait=false to queue behind it, or wait for it to end",
      { details: { deployId: runningDeployId } },
    );
  }
}

/** Cancelling a deploy that already ended. */
export class DeployFinishedError extends AppError {
  constructor(deployId: string, status: string) {
    super(ERROR_CODES.deployFinished, `deploy ${deployId} already ended with status "${status}": nothing to cancel`, {
      details: { deployId, status },
    });
  }
}

/** The wait cap passed before the deploy ended; the deploy goes on. */
export class DeployWaitTimeoutError extends AppError {
  constructor(deployId: string, status: string, waitedMs: number) {
    super(
      ERROR_CODES.deployTimeout,
      `deploy ${deployId} is still ${status} after ${Math.round(waitedMs / 1000)} s; it goes on: call again later for a fresh result`,
      { details: { deployId, status } },
    );
  }
}

/** The server is shutting down and takes no new work. */
export class ShuttingDownError extends AppError {
  constructor() {
    super(ERROR_CODES.shuttingDown, "core-back is shutting down: call again in a few seconds");
  }
}

/** A failure nobody anticipated; its message never reaches the caller. */
export class InternalError extends AppError {
  constructor(cause?: unknown) {
    super(ERROR_CODES.internal, "core-back failed unexpectedly: see its log", { cause });
  }
}
