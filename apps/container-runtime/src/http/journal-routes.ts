import { journalQuerySchema } from "@app-building/types";
import type { Context } from "hono";
import { stream } from "hono/streaming";
import { InvalidQueryError } from "../errors.js";
import type { ReadableLog } from "../journal/offset-log.js";
import { readQuery } from "./body.js";

/** Items per SSE write batch and the default page size. */
const PAGE = 1000;
/** An SSE comment is sent this often when nothing happens, so proxies keep the stream. */
const HEARTBEAT_MS = 15_000;

function wantsSse(c: Context): boolean {
  return (c.req.header("accept") ?? "").includes("text/event-stream");
}

function resumeOffset(c: Context, queryOffset: number | undefined): number {
  const lastId = c.req.header("last-event-id");
  if (lastId !== undefined && lastId.trim() !== "") {
    const n = Number(lastId);
    if (!Number.isSafeInteger(n) || n < 0)
      throw new InvalidQueryError("Last-Event-ID must be an offset (an integer >= 0)");
    return n + 1;
  }
  return queryOffset ?? 0;
}

/**
 * `GET /events` and `GET /logs`: a JSON page `{items, nextOffset}` from `offset` (long-polling
 * up to `wait` seconds when nothing is there yet), or, with `Accept: text/event-stream`, an
 * endless SSE stream whose `id:` is each item's offset, resumable with `Last-Event-ID`.
 */
export function journalHandler(log: ReadableLog) {
  return async (c: Context): Promise<Response> => {
    const query = readQuery(c, journalQuerySchema);
    if (wantsSse(c)) return sse(c, log, resumeOffset(c, query.offset));
    const offset = query.offset ?? 0;
    const limit = query.limit ?? PAGE;
    if (query.wait !== undefined && query.wait > 0 && offset >= log.committedOffset) {
      await log.waitFor(offset, query.wait * 1000, c.req.raw.signal);
    }
    return c.body(log.pageJson(offset, limit), 200, { "content-type": "application/json; charset=UTF-8" });
  };
}

function sse(c: Context, log: ReadableLog, start: number): Response {
  c.header("content-type", "text/event-stream; charset=utf-8");
  c.header("cache-control", "no-cache, no-transform");
  c.header("x-accel-buffering", "no");
  return stream(c, async (out) => {
    const aborted = new AbortController();
    out.onAbort(() => aborted.abort());
    let offset = start;
    await out.write(": connected\n\n");
    while (!aborted.signal.aborted) {
      const items = log.readJson(offset, PAGE);
      if (items.length > 0) {
        let chunk = "";
        for (const item of items) {
          chunk += `id: ${offset}\ndata: ${item}\n\n`;
          offset++;
        }
        await out.write(chunk);
        continue;
      }
      const before = log.committedOffset;
      await log.waitFor(offset, HEARTBEAT_MS, aborted.signal);
      if (!aborted.signal.aborted && log.committedOffset === before) await out.write(": heartbeat\n\n");
    }
  });
}
