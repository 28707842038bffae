import { ERROR_CODES } from "@app-building/types";

/** The runtime's one error hierarchy: each error knows its stable code and HTTP status. */
export class AppError extends Error {
  readonly code: string;
  readonly status: 400 | 401 | 403 | 404 | 409 | 413 | 500 | 503;
  readonly details: Record<string, unknown> | undefined;

  constructor(
    code: string,
    status: AppError["status"],
    message: string,
    options?: { cause?: unknown; details?: Record<string, unknown> },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = "AppError";
    this.code = code;
    this.status = status;
    this.details = options?.details;
  }
}

/** The request has no valid bearer token. */
export class UnauthorizedError extends AppError {
  constructor() {
    super(ERROR_CODES.unauthorized, 401, "send the container token as 'Authorization: Bearer <CONTAINER_TOKEN>'");
  }
}

/** A body or query failed validation; the message names the field. */
export class InvalidBodyError extends AppError {
  constructor(message: string, details?: Record<string, unknown>) {
    super(ERROR_CODES.invalidBody, 400, message, details === undefined ? undefined : { details });
  }
}

/** A query parameter or header failed validation; the message names it. */
export class InvalidQueryError extends AppError {
  constructor(message: string) {
    super(ERROR_CODES.invalidQuery, 400, message);
  }
}

/** The body is not JSON. */
export class InvalidJsonError extends AppError {
  constructor() {
    super(ERROR_CODES.invalidJson, 400, "the request body must be valid JSON");
  }
}

/** The body is larger than the runtime accepts. */
export class PayloadTooLargeError extends AppError {
  constructor(limit: number) {
    super(ERROR_CODES.payloadTooLarge, 413, `the request body must be at most ${limit} bytes`);
  }
}

/** Nothing has that id or path. */
export class NotFoundError extends AppError {
  constructor(message: string) {
    super(ERROR_CODES.notFound, 404, message);
  }
}

/** The route is for loopback callers (the agent itself) only. */
export class NotLocalhostError extends AppError {
  constructor() {
    super(ERROR_CODES.notLocalhost, 403, "this endpoint answers loopback callers only; send the container token");
  }
}

/** The container is stopping or stopped and takes no new work. */
export class ContainerStoppingError extends AppError {
  constructor(state: string) {
    super(ERROR_CODES.containerStopping, 409, `the container is ${state} and accepts no new work; start a new one`);
  }
}
