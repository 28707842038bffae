import { ERROR_CODES } from "@app-building/types";

/**
 * The console's one error hierarchy: a stable `code`, the fields a page needs, and a
 * message that says what to do next. Errors know nothing about pages or statuses:
 * `error-handler.ts` maps each to its page, once.
 */
export class ConsoleError extends Error {
  constructor(
    readonly code: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A form or query the console cannot use. */
export class BadRequestError extends ConsoleError {
  constructor(message: string) {
    super(ERROR_CODES.badRequest, message);
  }
}

/** A page for something that does not exist. */
export class NotFoundError extends ConsoleError {
  constructor(message: string) {
    super(ERROR_CODES.notFound, message);
  }
}

/** core-back answered with an error (`{error, message}`, or Better-Auth's `{code, message}`): its code. */
export class CoreBackError extends ConsoleError {
  constructor(
    code: string,
    message: string,
    /** core-back's own status (a page shows it when it is a client error). */
    readonly upstreamStatus: number,
  ) {
    super(code, message);
  }
}

/** core-back did not answer at all (refused, reset, timed out). */
export class CoreBackUnreachableError extends ConsoleError {
  constructor(
    readonly url: string,
    cause: unknown,
  ) {
    super(
      "core_back_unreachable",
      `core-back at ${url} is not answering (${describeCause(cause)}): check that it runs and that CORE_BACK_URL points at it`,
      { cause },
    );
  }
}

/** core-back refused a sign-in: wrong credentials, or too many attempts. */
export class SignInRefusedError extends ConsoleError {
  constructor(
    readonly reason: "wrong_credentials" | "too_many_attempts",
    /** The email the visitor typed, to fill the form in again. */
    readonly email: string,
  ) {
    super(
      reason === "too_many_attempts" ? ERROR_CODES.tooManyRequests : "wrong_credentials",
      reason === "too_many_attempts"
        ? "Too many sign-in attempts for this account: wait a minute, then try again."
        : "Wrong email or password: check both and try again.",
    );
  }
}

/** A container action (prompt, interrupt, stop) the SDK could not carry out; `cause` is the SDK's error. */
export class ContainerActionError extends ConsoleError {
  /** The HTTP status the container answered with, when it answered. */
  readonly upstreamStatus: number | undefined;

  constructor(what: string, reason: string, cause: unknown) {
    const code = (cause as { code?: unknown } | null)?.code;
    super(typeof code === "string" ? code : "container_failed", `${what} failed: ${reason}`, { cause });
    const status = (cause as { status?: unknown } | null)?.status;
    this.upstreamStatus = typeof status === "number" ? status : undefined;
  }
}

/** The innermost reason of a failed fetch (`ECONNREFUSED`, a timeout, ...). */
function describeCause(cause: unknown): string {
  let current: unknown = cause;
  for (let depth = 0; depth < 5; depth += 1) {
    const next = (current as { cause?: unknown } | null)?.cause;
    if (next === undefined || next === null) break;
    current = next;
  }
  if (current instanceof Error) {
    if (current.name === "TimeoutError") return "no answer in time";
    const code = (current as NodeJS.ErrnoException).code;
    return code ?? current.message;
  }
  return String(current);
}
