/**
 * The edge for Express (or any Node `(req, res, next)` server): typed against `node:http`
 * so this package does not depend on Express.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { declaredLengthExceeds } from "./body-limit.js";
import { normalizeHeaders } from "./headers.js";
import { judgeRequest, type EdgePolicy } from "./judge.js";
import { checkLocal } from "./loopback.js";
import { EdgeError, refusals } from "./refusal.js";

/** A Node middleware: Express's `RequestHandler` accepts it. */
export type NodeMiddleware = (req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void) => void;

/**
 * Enforces the {@link EdgePolicy} (the `Host` rule and the state-changing-request rule) on
 * every request: a refused one goes to the error handler as an {@link EdgeError}.
 *
 * @example
 * ```ts
 * app.use(edgeGuard({ ownHostNames: ["core.example"] }));
 * ```
 */
export function edgeGuard(policy: EdgePolicy = {}): NodeMiddleware {
  return (req, _res, next) => {
    const headers = normalizeHeaders(req.headers);
    const refusal = judgeRequest({ method: req.method ?? "GET", host: headers.get("host"), headers }, policy);
    next(refusal === undefined ? undefined : new EdgeError(refusal));
  };
}

/**
 * Only requests straight from this machine (a loopback peer, no forwarding header) go on.
 *
 * @example
 * ```ts
 * router.post("/api/v1/self/deploy", requireLocal(), handler);
 * ```
 */
export function requireLocal(): NodeMiddleware {
  return (req, _res, next) => {
    const check = checkLocal(req.socket.remoteAddress, normalizeHeaders(req.headers));
    next(check.local ? undefined : new EdgeError(refusals.notLocal(check.reason, check.header)));
  };
}

/**
 * Refuses (413), before anything reads it, a body whose declared length is over the limit.
 *
 * @example
 * ```ts
 * app.use(declaredBodyLimit(16 * 1024));
 * ```
 */
export function declaredBodyLimit(limitBytes: number): NodeMiddleware {
  return (req, _res, next) => {
    const tooLarge = declaredLengthExceeds(normalizeHeaders(req.headers), limitBytes);
    next(tooLarge ? new EdgeError(refusals.payloadTooLarge(limitBytes)) : undefined);
  };
}

/**
 * Reads a body of any type as UTF-8 text into `req.body`, at most `limitBytes` of it: past
 * that the request is refused (413) without reading the rest. For handlers that otherwise
 * read the stream themselves without a limit (Better-Auth), which take `req.body` instead.
 *
 * @example
 * ```ts
 * app.all("/api/auth/*splat", limitedTextBody(16 * 1024), toNodeHandler(auth));
 * ```
 */
export function limitedTextBody(limitBytes: number): NodeMiddleware {
  return (req, _res, next) => {
    if (req.method === "GET" || req.method === "HEAD") {
      next();
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const settle = (error?: unknown): void => {
      if (settled) return;
      settled = true;
      next(error);
    };
    req.on("data", (chunk: Buffer) => {
      if (settled) return;
      size += chunk.length;
      if (size > limitBytes) {
        req.pause();
        settle(new EdgeError(refusals.payloadTooLarge(limitBytes)));
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => {
      if (settled) return;
      (req as { body?: unknown }).body = Buffer.concat(chunks).toString("utf8");
      settle();
    });
    req.on("error", (error) => settle(error));
  };
}
