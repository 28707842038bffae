import { ERROR_CODES } from "@app-building/types";

/**
 * The one error hierarchy of core-back. Every failure a caller can see is an `AppError`
 * with a stable `code` and the HTTP status it maps to; the error middleware turns it
 * into `{error: code, message, ...details}` JSON. Services throw these without knowing
 * about HTTP: the status is only a number they carry.
 */
export class AppError extends Error {
  readonly code: string;
  readonly status: number;
  readonly details: Record<string, unknown>;

  constructor(
    code: string,
    status: number,
    message: string,
    options: { cause?: unknown; details?: Record<string, unknown> } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.status = status;
    this.details = options.details ?? {};
  }
}

/** A request body or query that does not match the contract (400). */
export class InvalidBodyError extends AppError {
  constructor(message: string, details: Record<string, unknown> = {}) {
    super(ERROR_CODES.invalidBody, 400, message, { details });
  }
}

/** A query string that does not match the contract (400). */
export class InvalidQueryError extends AppError {
  constructor(message: string) {
    super(ERROR_CODES.invalidQuery, 400, message);
  }
}

/** A body that is not JSON (400). */
export class InvalidJsonError extends AppError {
  constructor(message: string, cause?: unknown) {
    super(ERROR_CODES.invalidJson, 400, message, { cause });
  }
}

/** A request HTTP itself refuses: a malformed URL, a body that cannot be decoded (400). */
export class BadRequestError extends AppError {
  constructor(message: string, cause?: unknown) {
    super(ERROR_CODES.badRequest, 400, message, { cause });
  }
}

/** A body over the size limit (413). */
export class PayloadTooLargeError extends AppError {
  constructor(limitBytes: number) {
    super(ERROR_CODES.payloadTooLarge, 413, `the request body is larger than ${limitBytes} bytes: send less`);
  }
}

/** An HTTP method no route of core-back answers, such as `TRACE` (405). */
export class MethodNotAllowedError extends AppError {
  constructor(method: string, allowed: readonly string[]) {
    super(ERROR_CODES.methodNotAllowed, 405, `${method} is not supported: use ${allowed.join(", ")}`, {
      details: { allowed },
    });
  }
}

/** A scope name that is not `auto`, `platform` or `all` (400). */
export class InvalidScopeError extends AppError {
  constructor(scope: unknown) {
    super(ERROR_CODES.invalidScope, 400, `unknown scope ${JSON.stringify(scope)}: use "auto", "platform" or "all"`);
  }
}

/** A self-deploy from a peer that is not this machine, or through a proxy (403). */
export class NotLocalhostError extends AppError {
  constructor(reason: "remote_peer" | "proxied") {
    super(
      ERROR_CODES.notLocalhost,
      403,
      reason === "proxied"
        ? "this endpoint only answers direct loopback calls: call http://127.0.0.1 without a proxy"
        : "this endpoint only answers loopback peers: call it from this machine on 127.0.0.1",
    );
  }
}

/** A scope the current deploy mode does not allow (403). */
export class UnrestrictedRequiredError extends AppError {
  constructor(scope: string) {
    super(
      ERROR_CODES.unrestrictedRequired,
      403,
      `scope "${scope}" needs unrestricted mode; the platform is in restricted mode: use "platform" or "auto"`,
    );
  }
}

/** No or invalid credentials (401). */
export class UnauthorizedError extends AppError {
  constructor(message = "sign in: send a session cookie, an Authorization: Bearer token or an x-api-key header") {
    super(ERROR_CODES.unauthorized, 401, message);
  }
}

/** Signed in, but not allowed (403). */
export class ForbiddenError extends AppError {
  constructor(message: string) {
    super(ERROR_CODES.forbidden, 403, message);
  }
}

/** An unknown route or resource (404). */
export class NotFoundError extends AppError {
  constructor(message: string) {
    super(ERROR_CODES.notFound, 404, message);
  }
}

/** A deploy id that does not exist (404). */
export class DeployNotFoundError extends NotFoundError {
  constructor(readonly deployId: string) {
    super(`no deploy has the id "${deployId}": list deploys with GET /deploy`);
  }
}

/** A release id that does not exist (404). */
export class ReleaseNotFoundError extends NotFoundError {
  constructor(readonly releaseId: string) {
    super(`no release has the id "${releaseId}": list releases with GET /deploy/releases`);
  }
}

/** A release that may not become live: still building, or failed (409). */
export class ReleaseNotPromotableError extends AppError {
  constructor(releaseId: string, state: string) {
    super(
      ERROR_CODES.releaseNotPromotable,
      409,
      `release ${releaseId} is ${state}: only a release whose build passed can become live; pick a "good" one from GET /deploy/releases`,
      { details: { releaseId, state } },
    );
  }
}

/** Releases are not configured on this server (no supervisord, no release dir) (409). */
export class ReleasesUnavailableError extends AppError {
  constructor() {
    super(
      ERROR_CODES.releasesUnavailable,
      409,
      "this core-back runs without releases (no RELEASES_DIR): start the platform with npm start to get them",
    );
  }
}

/** A `?wait=false` request while a build runs (409). */
export class BuildInProgressError extends AppError {
  constructor(runningDeployId: string) {
    super(
      ERROR_CODES.buildInProgress,
      409,
      "a build is running: call again without ?wait=false to queue behind it, or wait for it to end",
      { details: { deployId: runningDeployId } },
    );
  }
}

/** Cancelling a deploy that already ended (409). */
export class DeployFinishedError extends AppError {
  constructor(deployId: string, status: string) {
    super(
      ERROR_CODES.deployFinished,
      409,
      `deploy ${deployId} already ended with status "${status}": nothing to cancel`,
      {
        details: { deployId, status },
      },
    );
  }
}

/** The wait cap passed before the deploy ended; the deploy goes on (504). */
export class DeployWaitTimeoutError extends AppError {
  constructor(deployId: string, status: string, waitedMs: number) {
    super(
      ERROR_CODES.deployTimeout,
      504,
      `deploy ${deployId} is still ${status} after ${Math.round(waitedMs / 1000)} s; it goes on: call again later for a fresh result`,
      { details: { deployId, status } },
    );
  }
}

/** The server is shutting down and takes no new work (503). */
export class ShuttingDownError extends AppError {
  constructor() {
    super(ERROR_CODES.shuttingDown, 503, "core-back is shutting down: call again in a few seconds");
  }
}

/** A failure nobody anticipated (500); its message never reaches the caller. */
export class InternalError extends AppError {
  constructor(cause?: unknown) {
    super(ERROR_CODES.internal, 500, "core-back failed unexpectedly: see its log", { cause });
  }
}
