import {
  bearerChecker,
  checkStateChange,
  EdgeError,
  isAllowedHost,
  normalizeHeaders,
  refusals,
} from "@app-building/server-edge";
import { localCheck } from "@app-building/server-edge/hono";
import type { Context, MiddlewareHandler } from "hono";
import { UnauthorizedError } from "../errors.js";

/** The credentials the runtime knows. */
export interface Credentials {
  /** The container token: every route. `undefined` leaves the API to loopback callers only. */
  token: string | undefined;
  /** The agent's own token, put in its environment as `APP_BUILDING_TASKS_TOKEN`: the `/tasks` routes only. */
  tasksToken?: string | undefined;
  /** Host names besides loopback literals and `localhost` (the `Host` rule). */
  ownHostNames?: readonly string[];
}

const isTasksRoute = (path: string): boolean => path === "/tasks" || path.startsWith("/tasks/");

/**
 * Who may call what:
 * - the container token, on every route, from anywhere (Fly proxies it from the internet);
 * - the tasks token, on `/tasks` routes only;
 * - without a container token configured, loopback callers (no forwarding header) only.
 * Then, unless the container token was shown, the `Host` rule (against DNS rebinding); and
 * for every state-changing request, JSON bodies only and no `Origin` from another site.
 */
export function authMiddleware(credentials: Credentials): MiddlewareHandler {
  const containerToken = credentials.token === undefined ? null : bearerChecker(credentials.token);
  const tasksToken = credentials.tasksToken === undefined ? null : bearerChecker(credentials.tasksToken);
  return async (c: Context, next) => {
    const headers = normalizeHeaders(c.req.raw.headers);
    const authorization = headers.get("authorization");
    const fullAccess = containerToken !== null && containerToken(authorization);
    if (!fullAccess) {
      const tasksAccess = tasksToken !== null && isTasksRoute(c.req.path) && tasksToken(authorization);
      if (!tasksAccess) {
        if (containerToken !== null) throw new UnauthorizedError();
        const local = localCheck(c);
        if (!local.local) throw new EdgeError(refusals.notLocal(local.reason, local.header));
      }
      const host = c.req.header("host") ?? new URL(c.req.url).host;
      if (!isAllowedHost(host, credentials.ownHostNames)) throw new EdgeError(refusals.forbiddenHost(host));
    }
    const refusal = checkStateChange({
      method: c.req.method,
      host: c.req.header("host") ?? new URL(c.req.url).host,
      headers,
    });
    if (refusal !== undefined) throw new EdgeError(refusal);
    await next();
  };
}
