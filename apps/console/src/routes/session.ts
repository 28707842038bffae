import { createMiddleware } from "hono/factory";
import type { CoreBackClient } from "../core-back.js";
import type { ConsoleEnv } from "./context.js";

/**
 * Requires a core-back session: asks core-back who the cookie belongs to, and sends a
 * browser without one to `/sign-in` (back to this page afterwards, for a GET).
 */
export function requireSession(coreBack: CoreBackClient) {
  return createMiddleware<ConsoleEnv>(async (c, next) => {
    const cookie = c.req.header("cookie");
    const user = await coreBack.getSession(cookie);
    if (user === null) {
      const url = new URL(c.req.url);
      const back = c.req.method === "GET" ? `${url.pathname}${url.search}` : "/";
      return c.redirect(back === "/" ? "/sign-in" : `/sign-in?next=${encodeURIComponent(back)}`, 303);
    }
    c.set("user", user);
    c.set("cookie", cookie);
    await next();
  });
}
