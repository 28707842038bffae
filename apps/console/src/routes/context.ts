import type { Context } from "hono";
import type { SessionUser } from "../core-back.js";

/** What the session middleware puts on each request's context. */
export interface ConsoleEnv {
  Variables: {
    /** The signed-in user (set on every page but sign-in, health and assets). */
    user: SessionUser;
    /** The browser's cookie header, forwarded to core-back as it came. */
    cookie: string | undefined;
  };
}

/** A request context of the console. */
export type ConsoleContext = Context<ConsoleEnv>;

/** Fixed notices a redirect may name (`?notice=`): never free text from a URL. */
const NOTICES: Record<string, string> = {
  "signed-out": "You are signed out.",
  "mode-changed": "The deploy mode was changed.",
  cancelled: "The deploy was cancelled.",
  "rolled-back": "The release was rolled back to: its services answered from it.",
  "rollback-failed": "The rollback did not pass its health check: see its error summary.",
  joined: "A deploy was already waiting: your request joined it.",
  started: "The deploy was queued.",
  sent: "The prompt was queued: its events appear below.",
  interrupted: "The current turn was interrupted.",
  stopping: "The container is stopping: it commits, pushes and exits.",
};

/** The `status` notice a redirect asked for, if it is a known one. */
export function noticeFrom(c: ConsoleContext): { kind: "status"; text: string }[] {
  const key = c.req.query("notice");
  const text = key === undefined ? undefined : NOTICES[key];
  return text === undefined ? [] : [{ kind: "status", text }];
}
