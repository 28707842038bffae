import { randomUUID } from "node:crypto";
import type { WebhookPayload, WebhookType } from "@app-building/types";
import type { Db } from "../journal/database.js";
import type { Redactor } from "../redact.js";

/** One webhook waiting to be delivered. */
export interface OutboxItem {
  seq: number;
  id: string;
  type: WebhookType;
  body: string;
  attempts: number;
}

/**
 * The durable webhook outbox: a webhook is on disk before anything tries to send it, and
 * stays there until delivered or given up, so a restart resumes delivery in order.
 */
export class Outbox {
  readonly #db: Db;
  readonly #redactor: Redactor;
  readonly #containerName: string;
  readonly #listeners = new Set<() => void>();

  constructor(db: Db, redactor: Redactor, containerName: string) {
    this.#db = db;
    this.#redactor = redactor;
    this.#containerName = containerName;
  }

  /** Queues a webhook `{type, containerName, timestamp, data}` with its body redacted. */
  add(type: WebhookType, data: Record<string, unknown>): void {
    const payload: WebhookPayload = {
      type,
      containerName: this.#containerName,
      timestamp: new Date().toISOString(),
      data,
    };
    const body = this.#redactor.text(JSON.stringify(payload));
    this.#db
      .prepare("INSERT INTO outbox (id, type, body, created_at) VALUES (?, ?, ?, ?)")
      .run(`msg_${randomUUID().replaceAll("-", "")}`, type, body, payload.timestamp);
    for (const listener of this.#listeners) listener();
  }

  /** The oldest webhook not yet delivered or given up. */
  head(): OutboxItem | undefined {
    return this.#db
      .prepare<
        [],
        OutboxItem
      >("SELECT seq, id, type, body, attempts FROM outbox WHERE status = 'pending' ORDER BY seq LIMIT 1")
      .get();
  }

  pendingCount(): number {
    return (
      this.#db.prepare<[], { n: number }>("SELECT count(*) AS n FROM outbox WHERE status = 'pending'").get()?.n ?? 0
    );
  }

  markDelivered(seq: number): void {
    this.#db
      .prepare("UPDATE outbox SET status = 'delivered', attempts = attempts + 1, delivered_at = ? WHERE seq = ?")
      .run(new Date().toISOString(), seq);
  }

  markAttemptFailed(seq: number, error: string, giveUp: boolean): void {
    this.#db
      .prepare("UPDATE outbox SET status = ?, attempts = attempts + 1, last_error = ? WHERE seq = ?")
      .run(giveUp ? "failed" : "pending", error, seq);
  }

  /** Calls `listener` whenever a webhook is queued; returns an unsubscribe. */
  onAdd(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}
