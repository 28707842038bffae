import type { ReadableLog } from "../journal/offset-log.js";

/** How long after a long-poll answer its follower counts as coming back for more. */
const LONG_POLL_RETURN_MS = 2_000;

/**
 * The readers following one journal log (SSE streams and long-polls), so that the runtime
 * can let each of them read to the end of the log before it exits: once `finish()` is
 * called, a caught-up SSE stream ends instead of waiting, a long-poll answers at once, and
 * `finish()` resolves when every stream has ended and every long-poll follower that was
 * answered short of the end has come back for the rest (or when its bounded wait is over).
 */
export class Followers {
  readonly #log: ReadableLog;
  readonly #closing = new AbortController();
  #streams = 0;
  #polls = 0;
  /** Long-poll answers still short of the end: the offset each follower will ask for next, and when it was told. */
  readonly #told = new Map<number, number[]>();
  #changed: () => void = () => undefined;

  constructor(log: ReadableLog) {
    this.#log = log;
  }

  /** Aborted once the runtime is exiting. */
  get closing(): AbortSignal {
    return this.#closing.signal;
  }

  /** An SSE stream starts; call the returned function when it ends. */
  stream(): () => void {
    this.#streams += 1;
    return () => {
      this.#streams -= 1;
      this.#changed();
    };
  }

  /** A long-poll asks for `offset`; call the returned function with the offset it was told to ask for next. */
  poll(offset: number): (nextOffset: number) => void {
    this.#polls += 1;
    const times = this.#told.get(offset);
    if (times !== undefined) {
      times.shift();
      if (times.length === 0) this.#told.delete(offset);
    }
    return (nextOffset) => {
      this.#polls -= 1;
      const now = Date.now();
      for (const [key, list] of this.#told) {
        const recent = list.filter((at) => now - at < LONG_POLL_RETURN_MS);
        if (recent.length === 0) this.#told.delete(key);
        else this.#told.set(key, recent);
      }
      this.#told.set(nextOffset, [...(this.#told.get(nextOffset) ?? []), now]);
      this.#changed();
    };
  }

  #settled(): boolean {
    if (this.#streams > 0 || this.#polls > 0) return false;
    const end = this.#log.committedOffset;
    const now = Date.now();
    for (const [offset, times] of this.#told) {
      if (offset < end && times.some((at) => now - at < LONG_POLL_RETURN_MS)) return false;
    }
    return true;
  }

  /** Lets every follower read to the end of the log; resolves when they have, or after `timeoutMs`. */
  async finish(timeoutMs: number): Promise<void> {
    this.#closing.abort();
    const deadline = Date.now() + timeoutMs;
    while (!this.#settled() && Date.now() < deadline) {
      await new Promise<void>((resolve) => {
        // Re-checked on every change, and at least every 50 ms (a long-poll follower's window closes by time).
        const timer = setTimeout(resolve, Math.min(50, Math.max(0, deadline - Date.now())));
        this.#changed = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
    this.#changed = () => undefined;
  }
}
