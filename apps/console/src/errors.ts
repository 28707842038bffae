/**
 * The console's one error hierarchy: each error knows the HTTP status of the page that
 * shows it, and its message says what to do next. `app.ts` maps them to pages once.
 */
export class ConsoleError extends Error {
  override readonly name: string = "ConsoleError";
  constructor(
    message: string,
    readonly status: 400 | 401 | 403 | 404 | 409 | 413 | 500 | 502 | 503 | 504,
    readonly code: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A form or query the console cannot use. */
export class BadRequestError extends ConsoleError {
  override readonly name = "BadRequestError";
  constructor(message: string) {
    super(message, 400, "bad_request");
  }
}

/** A page for something that does not exist. */
export class NotFoundError extends ConsoleError {
  override readonly name = "NotFoundError";
  constructor(message: string) {
    super(message, 404, "not_found");
  }
}

/** core-back answered with an error (`{error, message}`, or Better-Auth's `{code, message}`). */
export class CoreBackError extends ConsoleError {
  override readonly name = "CoreBackError";
  constructor(
    message: string,
    /** core-back's own status (the page uses it when it is a 4xx, 502 otherwise). */
    readonly upstreamStatus: number,
    code: string,
  ) {
    super(message, pageStatus(upstreamStatus), code);
  }
}

/** core-back did not answer at all (refused, reset, timed out). */
export class CoreBackUnreachableError extends ConsoleError {
  override readonly name = "CoreBackUnreachableError";
  constructor(
    readonly url: string,
    cause: unknown,
  ) {
    super(
      `core-back at ${url} is not answering (${describeCause(cause)}): check that it runs and that CORE_BACK_URL points at it`,
      502,
      "core_back_unreachable",
      { cause },
    );
  }
}

function pageStatus(status: number): ConsoleError["status"] {
  const known = [400, 401, 403, 404, 409, 413, 503, 504] as const;
  return (known as readonly number[]).includes(status) ? (status as ConsoleError["status"]) : 502;
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
