import type { RequestHandler, Response } from "express";
import { fromNodeHeaders } from "better-auth/node";
import type { Auth } from "../auth/auth.js";
import { isAdmin } from "../auth/auth.js";
import { ForbiddenError, UnauthorizedError } from "../errors.js";

/** The signed-in user of a request. */
export interface SessionUser {
  id: string;
  email: string;
  admin: boolean;
}

/** The user `requireSession` found. */
export function currentUser(res: Response): SessionUser {
  return res.locals.user as SessionUser;
}

/**
 * Requires a Better-Auth session: a session cookie, `Authorization: Bearer <token>`, or
 * an `x-api-key` header. `401 unauthorized` otherwise.
 */
export function requireSession(auth: Auth): RequestHandler {
  return async (req, res, next) => {
    let session;
    try {
      session = await auth.api.getSession({ headers: fromNodeHeaders(req.headers) });
    } catch {
      // What went wrong inside the session check is not the caller's to read.
      throw new UnauthorizedError("the credentials were refused: sign in again or use a valid API key");
    }
    if (session === null) throw new UnauthorizedError();
    const user = session.user as { id: string; email: string; role?: string | null };
    res.locals.user = { id: user.id, email: user.email, admin: isAdmin(user.role) } satisfies SessionUser;
    next();
  };
}

/** Requires the signed-in user to be an admin: `403 forbidden` otherwise. */
export const requireAdmin: RequestHandler = (_req, res, next) => {
  if (!currentUser(res).admin)
    throw new ForbiddenError("only an admin may do this: ask an admin to change the deploy mode");
  next();
};
