import { ERROR_CODES } from "@app-building/types";

/** The codes the runtime's errors carry; `http/errors.ts` gives each its one HTTP status. */
export const APP_ERROR_CODES = [
  ERROR_CODES.unauthorized,
  ERROR_CODES.invalidBody,
  ERROR_CODES.invalidQuery,
  ERROR_CODES.invalidJson,
  ERROR_CODES.notFound,
  ERROR_CODES.containerStopping,
] as const;

/** A code of the runtime's error hierarchy. */
export type AppErrorCode = (typeof APP_ERROR_CODES)[number];

/**
 * The codes of the failed ready line, `{"ready":false,"error":code,"message":...}` on
 * stderr: the runtime never listened, so they have no HTTP status.
 */
export const STARTUP_ERROR_CODES = [ERROR_CODES.invalidEnv, ERROR_CODES.startupFailed] as const;

/** A code of the failed ready line. */
export type StartupErrorCode = (typeof STARTUP_ERROR_CODES)[number];

/**
 * The runtime's one error hierarchy: each error carries its stable code, a message that
 * says what to do next, and the fields a caller may act on. Errors know nothing about
 * HTTP: the app's error handler gives each code its status (`http/errors.ts`).
 */
export class AppError extends Error {
  readonly code: AppErrorCode;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: AppErrorCode, message: string, options?: { cause?: unknown; details?: Record<string, unknown> }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = "AppError";
    this.code = code;
    this.details = options?.details;
  }
}

/** The request has no valid bearer token. */
export class UnauthorizedError extends AppError {
  constructor() {
    super(ERROR_CODES.unauthorized, "send the container token as 'Authorization: Bearer <CONTAINER_TOKEN>'");
  }
}

/** A body or query failed validation; the message names the field. */
export class InvalidBodyError extends AppError {
  constructor(message: string, details?: Record<string, unknown>) {
    super(ERROR_CODES.invalidBody, message, details === undefined ? undefined : { details });
  }
}

/** A query parameter or header failed validation; the message names it. */
export class InvalidQueryError extends AppError {
  constructor(message: string) {
    super(ERROR_CODES.invalidQuery, message);
  }
}

/** The body is not JSON. */
export class InvalidJsonError extends AppError {
  constructor() {
    super(ERROR_CODES.invalidJson, "the request body must be valid JSON");
  }
}

/** Nothing has that id or path. */
export class NotFoundError extends AppError {
  constructor(message: string) {
    super(ERROR_CODES.notFound, message);
  }
}

/** The container is stopping or stopped and takes no new work. */
export class ContainerStoppingError extends AppError {
  constructor(state: string) {
    super(ERROR_CODES.containerStopping, `the container is ${state} and accepts no new work; start a new one`);
  }
}
