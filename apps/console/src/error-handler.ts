import { EdgeError } from "@app-building/server-edge";
import { ERROR_CODES } from "@app-building/types";
import type { ErrorHandler } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { ConsoleError, ContainerActionError, CoreBackError, SignInRefusedError } from "./errors.js";
import type { Logger } from "@app-building/server-edge/log";
import type { ConsoleEnv } from "./routes/context.js";
import { signInAgainPage } from "./routes/auth.js";
import { errorPage } from "./views/errors.js";

/** The status of the page for each code of the console's own errors. */
export const STATUS_BY_CODE = {
  [ERROR_CODES.badRequest]: 400,
  wrong_credentials: 401,
  [ERROR_CODES.notFound]: 404,
  [ERROR_CODES.tooManyRequests]: 429,
  core_back_unreachable: 502,
} as const satisfies Record<string, ContentfulStatusCode>;

/** core-back's statuses a page shows as they are; any other failure of core-back is a 502. */
const CORE_BACK_STATUSES: readonly number[] = [400, 401, 403, 404, 409, 413, 503, 504];
/** A container's statuses a page shows as they are; anything else is a 502 (it is the upstream). */
const CONTAINER_STATUSES: readonly number[] = [400, 404, 409];

function passedOn(status: number | undefined, shown: readonly number[]): ContentfulStatusCode {
  return status !== undefined && shown.includes(status) ? (status as ContentfulStatusCode) : 502;
}

/**
 * The status of the page that shows a console error: its code's in {@link STATUS_BY_CODE},
 * or, for an upstream's error (core-back's, a container's), the upstream's own when a page
 * can show it as it is.
 */
export function pageStatus(error: ConsoleError): ContentfulStatusCode {
  if (error instanceof CoreBackError) return passedOn(error.upstreamStatus, CORE_BACK_STATUSES);
  if (error instanceof ContainerActionError) return passedOn(error.upstreamStatus, CONTAINER_STATUSES);
  return Object.hasOwn(STATUS_BY_CODE, error.code) ? STATUS_BY_CODE[error.code as keyof typeof STATUS_BY_CODE] : 500;
}

/**
 * The console's one error handler: every error becomes a page, here. core-back's "no
 * session" sends the browser to sign in; a refused sign-in shows the form again; the edge's
 * refusals and the console's errors show an error page with their status; anything else is
 * logged and shown as a 500 without its text.
 */
export function errorHandler(logger: Logger): ErrorHandler<ConsoleEnv> {
  return async (error, c) => {
    const user = c.get("user") ?? null;
    if (error instanceof CoreBackError && error.upstreamStatus === 401) return c.redirect("/sign-in", 303);
    if (error instanceof SignInRefusedError) return c.html(await signInAgainPage(c, error), pageStatus(error));
    if (error instanceof EdgeError) {
      return c.html(errorPage(error.status, error.message, user), error.status as ContentfulStatusCode);
    }
    if (error instanceof ConsoleError) {
      const status = pageStatus(error);
      if (status >= 500) logger.warn({ path: c.req.path, code: error.code }, error.message);
      return c.html(errorPage(status, error.message, user), status);
    }
    logger.error(
      { path: c.req.path, error: error instanceof Error ? (error.stack ?? error.message) : String(error) },
      "request failed unexpectedly",
    );
    return c.html(
      errorPage(500, "The console failed to show this page: try again, and see its log if it persists.", user),
      500,
    );
  };
}
