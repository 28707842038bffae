import { performance, type EventLoopUtilization } from "node:perf_hooks";

/** How long a waiting deploy waits for more requests to join it. */
export interface SettleWindowOptions {
  /** Quiet time after the last join before the deploy builds (a debounce). */
  settleMs: number;
  /** The most the window may last, counted from the deploy's first request. */
  maxSettleMs?: number;
}

/**
 * The settle window of a waiting deploy: calls `onDue` once the event loop has been idle
 * for `settleMs` since the last {@link restart}, or at the window's cap.
 *
 * Only idle time counts: a loaded server (a busy loop, a slow sync call, a starved core)
 * may hold a burst's later requests unread in its sockets while the clock runs, and a
 * timer that falls due meanwhile fires before they are read; counted by the clock alone,
 * that busy time looked like quiet and split the burst into two builds. A timer only
 * bounds when to look again: if the loop was busy for part of the wait, the window goes
 * on for the idle time still missing.
 */
export class SettleWindow {
  /** The event loop's idle and busy time when the waiting deploy was last joined. */
  private quietSince: EventLoopUtilization | undefined;
  private timer: NodeJS.Timeout | undefined;
  private firstAt = 0;

  constructor(
    private readonly options: SettleWindowOptions,
    private readonly onDue: () => void,
  ) {}

  /** A deploy started waiting (at `firstAt`, `performance.now()`), or a request joined it. */
  restart(firstAt: number): void {
    this.firstAt = firstAt;
    this.quietSince = performance.eventLoopUtilization();
    this.waitForQuiet(this.options.settleMs);
  }

  /** Calls `onDue` after `delayMs`, with no window: the next deploy, once one ended. */
  dueIn(delayMs: number): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(this.onDue, delayMs);
    this.timer.unref();
  }

  /** Forgets the pending call. */
  clear(): void {
    clearTimeout(this.timer);
  }

  private waitForQuiet(delayMs: number): void {
    const { settleMs, maxSettleMs = settleMs } = this.options;
    const capAt = this.firstAt + Math.max(settleMs, maxSettleMs);
    clearTimeout(this.timer);
    this.timer = setTimeout(
      () => {
        const idleMs =
          this.quietSince === undefined ? settleMs : performance.eventLoopUtilization(this.quietSince).idle;
        const missingMs = settleMs - idleMs;
        if (missingMs >= 1 && performance.now() < capAt) this.waitForQuiet(missingMs);
        else this.onDue();
      },
      Math.max(0, Math.min(delayMs, capAt - performance.now())),
    );
    this.timer.unref();
  }
}
