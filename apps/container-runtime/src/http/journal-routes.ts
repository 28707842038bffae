import { journalQuerySchema } from "@app-building/types";
import type { Context } from "hono";
import { stream } from "hono/streaming";
import { InvalidQueryError } from "../errors.js";
import type { ReadableLog } from "../journal/offset-log.js";
import { readQuery } from "./body.js";
import type { Followers } from "./followers.js";

type StreamingApi = Parameters<Parameters<typeof stream>[1]>[0];

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
 * SSE stream whose `id:` is each item's offset, resumable with `Last-Event-ID`. Once the
 * runtime is exiting (`followers.closing`), a long-poll answers at once and a stream ends
 * as soon as it has sent everything, with a last `event: end` (data `{"nextOffset":N}`),
 * so followers get the last items before the exit and know there is nothing more.
 */
export function journalHandler(log: ReadableLog, followers?: Followers) {
  return async (c: Context): Promise<Response> => {
    const query = readQuery(c, journalQuerySchema);
    if (wantsSse(c)) return sse(c, log, resumeOffset(c, query.offset), followers);
    const offset = query.offset ?? 0;
    const limit = query.limit ?? PAGE;
    const answered = followers?.poll(offset);
    try {
      if (query.wait !== undefined && query.wait > 0 && offset >= log.committedOffset) {
        const signal =
          followers === undefined ? c.req.raw.signal : AbortSignal.any([c.req.raw.signal, followers.closing]);
        await log.waitFor(offset, query.wait * 1000, signal);
      }
      const items = log.readJson(offset, limit);
      const nextOffset = offset + items.length;
      answered?.(nextOffset);
      return c.body(`{"items":[${items.join(",")}],"nextOffset":${nextOffset}}`, 200, {
        "content-type": "application/json; charset=UTF-8",
      });
    } catch (error) {
      answered?.(offset);
      throw error;
    }
  };
}

function sse(c: Context, log: ReadableLog, start: number, followers: Followers | undefined): Response {
  c.header("content-type", "text/event-stream; charset=utf-8");
  c.header("cache-control", "no-cache, no-transform");
  c.header("x-accel-buffering", "no");
  return stream(c, async (out) => {
    const ended = followers?.stream();
    try {
      await follow(out, log, start, followers);
    } finally {
      ended?.();
    }
  });
}

/** Writes the log to one SSE stream from `start` until the client goes, or the runtime exits and it has everything. */
async function follow(
  out: StreamingApi,
  log: ReadableLog,
  start: number,
  followers: Followers | undefined,
): Promise<void> {
  const aborted = new AbortController();
  out.onAbort(() => aborted.abort());
  const waitSignal = followers === undefined ? aborted.signal : AbortSignal.any([aborted.signal, followers.closing]);
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
    // Caught up while the runtime exits: say so and end the stream, so the follower knows it has it all.
    if (followers?.closing.aborted === true) {
      await out.write(`event: end\ndata: {"nextOffset":${offset}}\n\n`);
      return;
    }
    const before = log.committedOffset;
    await log.waitFor(offset, HEARTBEAT_MS, waitSignal);
    if (!waitSignal.aborted && log.committedOffset === before) await out.write(": heartbeat\n\n");
  }
}
