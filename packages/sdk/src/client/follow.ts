import { setTimeout as sleep } from "node:timers/promises";
import { AppBuildingError, ContainerGoneError, errorFromNetworkFailure, errorFromResponse } from "../errors.js";
import { backoffDelay, requestJson } from "../http/request.js";
import { SseParser } from "./sse.js";

/**
 * Options of `events()` and `logs()`.
 *
 * @example
 * ```ts
 * import { connect, type StreamOptions } from "@app-building/sdk";
 * const client = await connect("app-building-3f2a9c01d4");
 * const options: StreamOptions = { offset: 0, follow: true, reconnectTimeoutMs: 10_000 };
 * for await (const event of client.events(options)) console.log(event.kind);
 * ```
 */
export interface StreamOptions {
  /** The first offset to read (default 0: from the beginning). */
  offset?: number;
  /**
   * Keep streaming new items as they arrive (default `true`), over SSE, reconnecting from
   * the last offset after a disconnect. With `false`, read what is there and end.
   */
  follow?: boolean;
  /** Ends the iteration. */
  signal?: AbortSignal;
  /**
   * A followed stream that sends nothing (not even the runtime's heartbeat) for this long
   * is dropped and resumed (default 45 s).
   */
  idleTimeoutMs?: number;
  /**
   * How long to keep reconnecting when the container does not answer, before failing with
   * {@link ContainerGoneError} (default 30 s).
   */
  reconnectTimeoutMs?: number;
  /**
   * Asked after a failed reconnect: `true` ends the stream at once instead of retrying
   * until `reconnectTimeoutMs` (the CLI passes a check that the container's process has
   * exited, then reads the rest from its journal).
   */
  gone?: () => Promise<boolean>;
}

/** What a followed log needs to know about its items. */
export interface FollowSource<T extends { offset: number }> {
  /** `GET` URL of the log, without query. */
  url: string;
  headers: Record<string, string>;
  /** Checks one decoded item. */
  parse: (value: unknown) => T;
  /** True for the item after which the log ends (the container stopped). */
  isLast?: (item: T) => boolean;
  /** True for an item that says the container is shutting down: a refused reconnect after it ends the log. */
  isClosing?: (item: T) => boolean;
}

const PAGE_SIZE = 1000;

function aborted(signal: AbortSignal | undefined): boolean {
  return signal?.aborted === true;
}

/**
 * Iterates a container's offset log (events or logs) from `offset`: pages of JSON when not
 * following, SSE when following; a followed log ends when the runtime ends its stream as
 * it exits (`event: end`). After a disconnect it reconnects from the offset after
 * the last item it yielded, so nothing is skipped and nothing is yielded twice.
 */
export async function* followLog<T extends { offset: number }>(
  source: FollowSource<T>,
  options: StreamOptions = {},
): AsyncGenerator<T, void, undefined> {
  let next = options.offset ?? 0;
  if (options.follow === false) {
    for (;;) {
      const page = (await requestJson(
        "GET",
        `${source.url}?offset=${next}&limit=${PAGE_SIZE}`,
        undefined,
        { headers: source.headers, signal: options.signal },
        true,
      )) as { items: unknown[]; nextOffset: number };
      if (page.items.length === 0) return;
      for (const raw of page.items) {
        const item = source.parse(raw);
        if (item.offset < next) continue;
        next = item.offset + 1;
        yield item;
      }
      next = Math.max(next, page.nextOffset);
    }
  }

  const reconnectTimeoutMs = options.reconnectTimeoutMs ?? 30_000;
  let failingSince: number | null = null;
  let attempt = 0;
  let closing = false;
  for (;;) {
    if (aborted(options.signal)) return;
    const controller = new AbortController();
    const signal = options.signal ? AbortSignal.any([options.signal, controller.signal]) : controller.signal;
    const label = `GET ${source.url}`;
    let sawLast = false;
    let sawEnd = false;
    let failure: AppBuildingError | null = null;
    try {
      const headers: Record<string, string> = { ...source.headers, accept: "text/event-stream" };
      let response: Response;
      try {
        response = await fetch(`${source.url}?offset=${next}`, { headers, signal });
      } catch (error) {
        throw errorFromNetworkFailure(error, label);
      }
      if (!response.ok) {
        const error = errorFromResponse({ status: response.status, bodyText: await response.text(), request: label });
        if (!error.retryable) throw error;
        failure = error;
      } else if (response.body !== null) {
        failingSince = null;
        attempt = 0;
        const parser = new SseParser();
        const decoder = new TextDecoder();
        const idleMs = options.idleTimeoutMs ?? 45_000;
        let idle = setTimeout(() => controller.abort(), idleMs);
        try {
          for await (const chunk of response.body) {
            clearTimeout(idle);
            idle = setTimeout(() => controller.abort(), idleMs);
            for (const message of parser.push(decoder.decode(chunk as Uint8Array, { stream: true }))) {
              // The runtime ends the stream this way when it exits: everything was sent.
              if (message.event === "end") sawEnd = true;
              if (message.event !== undefined) continue;
              const item = source.parse(JSON.parse(message.data));
              if (item.offset < next) continue;
              next = item.offset + 1;
              yield item;
              if (source.isLast?.(item) === true) sawLast = true;
              if (source.isClosing?.(item) === true) closing = true;
            }
          }
        } catch (error) {
          if (aborted(options.signal)) return;
          failure = errorFromNetworkFailure(error, label);
        } finally {
          clearTimeout(idle);
        }
      }
    } catch (error) {
      if (aborted(options.signal)) return;
      if (!(error instanceof AppBuildingError) || !error.retryable) throw error;
      failure = error;
    } finally {
      controller.abort();
    }
    if (sawLast || sawEnd || (closing && failure instanceof ContainerGoneError)) return;
    if (options.gone !== undefined && failure !== null && (await options.gone().catch(() => false))) return;
    failingSince ??= Date.now();
    if (Date.now() - failingSince > reconnectTimeoutMs) {
      throw new ContainerGoneError(
        `${label}: the stream could not be resumed for ${reconnectTimeoutMs} ms; the container is gone`,
        failure ?? undefined,
      );
    }
    attempt += 1;
    try {
      await sleep(backoffDelay(Math.min(attempt, 4)), undefined, { signal: options.signal });
    } catch {
      return;
    }
  }
}
