/** The edge for Hono apps served by `@hono/node-server`. */
import type { IncomingMessage } from "node:http";
import { getConnInfo } from "@hono/node-server/conninfo";
import type { Context, MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { normalizeHeaders } from "./headers.js";
import { judgeRequest, type EdgePolicy } from "./judge.js";
import { checkLocal, type LocalCheck } from "./loopback.js";
import { EdgeError, refusals } from "./refusal.js";

/** The `Host` a request was sent to: the header, else the URL's (in-process `app.request`). */
function requestHost(c: Context): string | undefined {
  return c.req.header("host") ?? new URL(c.req.url).host;
}

/**
 * Enforces the {@link EdgePolicy} (the `Host` rule and the state-changing-request rule):
 * a refused request throws an {@link EdgeError} for the app's `onError`.
 *
 * @param skip requests the rule does not apply to (say, the health probe).
 * @example
 * ```ts
 * app.use(edgeGuard({ stateChange: { contentTypes: ["application/x-www-form-urlencoded"], requireOrigin: true } }));
 * ```
 */
export function edgeGuard(policy: EdgePolicy = {}, skip?: (c: Context) => boolean): MiddlewareHandler {
  return async (c, next) => {
    if (skip?.(c) !== true) {
      const headers = normalizeHeaders(c.req.raw.headers);
      const refusal = judgeRequest({ method: c.req.method, host: requestHost(c), headers }, policy);
      if (refusal !== undefined) throw new EdgeError(refusal);
    }
    await next();
  };
}

/**
 * Whether a request came straight from this machine: a loopback socket peer and no
 * forwarding header. A request with no socket (in-process `app.request`) is not local.
 *
 * @example
 * ```ts
 * if (!localCheck(c).local) throw new EdgeError(refusals.notLocal("remote_peer"));
 * ```
 */
export function localCheck(c: Context): LocalCheck {
  let address: string | undefined;
  try {
    address = getConnInfo(c).remote.address;
  } catch {
    address = undefined;
  }
  return checkLocal(address, normalizeHeaders(c.req.raw.headers));
}

/**
 * Reads and drops the rest of an oversized body (up to `limit` bytes), so the client that
 * is still sending gets to read the 413 instead of a reset connection.
 */
async function drainRequest(c: Context, limit: number): Promise<void> {
  const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
  if (incoming === undefined || incoming.readableEnded) return;
  const declared = Number(incoming.headers["content-length"] ?? "0");
  if (declared > limit) return;
  let read = 0;
  for await (const chunk of incoming as AsyncIterable<Buffer>) {
    read += chunk.length;
    if (read > limit) break;
  }
}

/** The most of an oversized body read before answering 413 (beyond it, the connection closes). */
const DRAIN_LIMIT = 16 * 1024 * 1024;

/**
 * A body limit: a body over `maxBytes` (declared or streamed) is a 413 {@link EdgeError}.
 *
 * @example
 * ```ts
 * app.use(edgeBodyLimit(1024 * 1024));
 * ```
 */
export function edgeBodyLimit(maxBytes: number): MiddlewareHandler {
  const limit = bodyLimit({
    maxSize: maxBytes,
    onError: async (c) => {
      await drainRequest(c, DRAIN_LIMIT);
      throw new EdgeError(refusals.payloadTooLarge(maxBytes));
    },
  });
  // A GET or HEAD request has no body to limit (Fetch gives it none); asking for it would
  // make the Node adapter build a whole Request, with its AbortSignal, for every call.
  return (c, next) => (c.req.method === "GET" || c.req.method === "HEAD" ? next() : limit(c, next));
}
