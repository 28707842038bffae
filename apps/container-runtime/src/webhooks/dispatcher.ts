import type { Webhook } from "standardwebhooks";
import type { Outbox, OutboxItem } from "./outbox.js";
import { signerFor } from "./signing.js";

/** Options of a {@link WebhookDispatcher}. */
export interface DispatcherOptions {
  url: string;
  /** The signing key (see `secretFormat` for how it is read); it never leaves the container. */
  secret: string | undefined;
  /** Sent as `Authorization: Bearer <token>` when set, for receivers that want one; never the secret. */
  bearerToken: string | undefined;
  maxAttempts: number;
  retryBaseMs: number;
  retryMaxMs: number;
  timeoutMs: number;
  log: (line: string) => void;
}

/**
 * Delivers the outbox in order, one webhook at a time: signed per Standard Webhooks (plus
 * `Authorization: Bearer <WEBHOOK_BEARER_TOKEN>` when one is set: the signing secret itself
 * is never sent), retried with exponential backoff
 * while the receiver is unreachable or answers 5xx/429, given up (and logged) after
 * `maxAttempts` or on another 4xx.
 */
export class WebhookDispatcher {
  readonly #outbox: Outbox;
  readonly #o: DispatcherOptions;
  readonly #signer: Webhook | null;
  #running = false;
  #stopped = false;
  #wake: (() => void) | null = null;
  #idle: Promise<void> = Promise.resolve();
  #unsubscribe: (() => void) | null = null;

  constructor(outbox: Outbox, options: DispatcherOptions) {
    this.#outbox = outbox;
    this.#o = options;
    this.#signer = options.secret === undefined ? null : signerFor(options.secret);
  }

  /** Starts delivering; wakes up whenever a webhook is queued. */
  start(): void {
    this.#unsubscribe = this.#outbox.onAdd(() => this.#kick());
    this.#kick();
  }

  #kick(): void {
    if (this.#wake !== null) {
      const wake = this.#wake;
      this.#wake = null;
      wake();
    }
    if (this.#running || this.#stopped) return;
    this.#running = true;
    this.#idle = this.#loop().finally(() => {
      this.#running = false;
    });
  }

  async #sleep(ms: number): Promise<void> {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.#wake = null;
        resolve();
      }, ms);
      this.#wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  async #loop(): Promise<void> {
    for (;;) {
      if (this.#stopped) return;
      const item = this.#outbox.head();
      if (item === undefined) return;
      const error = await this.#send(item);
      if (error === null) {
        this.#outbox.markDelivered(item.seq);
        continue;
      }
      const attempts = item.attempts + 1;
      const giveUp = error.permanent || attempts >= this.#o.maxAttempts;
      this.#outbox.markAttemptFailed(item.seq, error.message, giveUp);
      if (giveUp) {
        this.#o.log(`webhook ${item.type} ${item.id} given up after ${attempts} attempt(s): ${error.message}`);
        continue;
      }
      const delay = Math.min(this.#o.retryMaxMs, this.#o.retryBaseMs * 2 ** (attempts - 1));
      this.#o.log(
        `webhook ${item.type} ${item.id} attempt ${attempts} failed (${error.message}); retrying in ${delay} ms`,
      );
      await this.#sleepUninterrupted(delay);
    }
  }

  /** A backoff that new webhooks do not cut short (order and pacing are kept). */
  async #sleepUninterrupted(ms: number): Promise<void> {
    const until = Date.now() + ms;
    while (!this.#stopped && Date.now() < until) await this.#sleep(until - Date.now());
  }

  async #send(item: OutboxItem): Promise<{ message: string; permanent: boolean } | null> {
    const headers: Record<string, string> = {
      "content-type": "application/json",
      "user-agent": "app-building-runtime",
    };
    const timestamp = new Date();
    headers["webhook-id"] = item.id;
    headers["webhook-timestamp"] = String(Math.floor(timestamp.getTime() / 1000));
    if (this.#signer !== null) headers["webhook-signature"] = this.#signer.sign(item.id, timestamp, item.body);
    if (this.#o.bearerToken !== undefined) headers.authorization = `Bearer ${this.#o.bearerToken}`;
    try {
      const response = await fetch(this.#o.url, {
        method: "POST",
        headers,
        body: item.body,
        signal: AbortSignal.timeout(this.#o.timeoutMs),
      });
      await response.arrayBuffer().catch(() => undefined);
      if (response.ok) return null;
      const permanent =
        response.status >= 400 && response.status < 500 && response.status !== 408 && response.status !== 429;
      return { message: `receiver answered ${response.status}`, permanent };
    } catch (error) {
      const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : "";
      return { message: `${error instanceof Error ? error.message : String(error)}${cause}`, permanent: false };
    }
  }

  /** Waits until the outbox is empty or `ms` passed; returns how many are still pending. */
  async drain(ms: number): Promise<number> {
    const until = Date.now() + ms;
    while (this.#outbox.pendingCount() > 0 && Date.now() < until && !this.#stopped) {
      this.#kick();
      await Promise.race([this.#idle, new Promise((r) => setTimeout(r, Math.min(100, until - Date.now())))]);
    }
    return this.#outbox.pendingCount();
  }

  /** Stops delivering (what is left stays in the outbox for the next start). */
  stop(): void {
    this.#stopped = true;
    this.#unsubscribe?.();
    this.#wake?.();
  }
}
