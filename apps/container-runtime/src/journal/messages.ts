import { randomUUID } from "node:crypto";
import type { Message, MessageStatus } from "@app-building/types";
import type { Redactor } from "../redact.js";
import type { Db } from "./database.js";

interface MessageRow {
  id: string;
  prompt: string;
  model: string | null;
  status: MessageStatus;
  result: string | null;
  error: string | null;
  cost_usd: number | null;
  duration_ms: number | null;
  num_turns: number | null;
  session_id: string | null;
  created_at: string;
  started_at: string | null;
  ended_at: string | null;
}

/** A queued message as the worker takes it. */
export interface QueuedMessage {
  id: string;
  prompt: string;
  model: string | null;
}

/** How a message ended. */
export interface MessageOutcome {
  status: Extract<MessageStatus, "done" | "error" | "interrupted">;
  result: string | null;
  error: string | null;
  costUsd: number | null;
  durationMs: number | null;
  numTurns: number | null;
  sessionId: string | null;
}

/** A row as the API shows it: redacted again on the way out, for rows written before redaction at rest. */
function toMessage(row: MessageRow, redactor: Redactor): Message {
  return {
    id: row.id,
    status: row.status,
    prompt: redactor.text(row.prompt),
    result: row.result === null ? null : redactor.text(row.result),
    error: row.error === null ? null : redactor.text(row.error),
    costUsd: row.cost_usd,
    durationMs: row.duration_ms,
    numTurns: row.num_turns,
    sessionId: row.session_id,
    createdAt: row.created_at,
    startedAt: row.started_at,
    endedAt: row.ended_at,
  };
}

/**
 * The durable message queue. Results and errors are redacted before they are stored; the
 * prompt is kept as sent (the agent needs it) and redacted in every answer.
 */
export class MessageStore {
  readonly #db: Db;
  readonly #redactor: Redactor;
  readonly #byId;
  readonly #byKey;
  readonly #insert;
  readonly #next;
  readonly #count;
  readonly #start;
  readonly #finish;
  /** Queued messages, counted in memory so `/status` costs no query. */
  #queued: number;

  constructor(db: Db, redactor: Redactor) {
    this.#db = db;
    this.#redactor = redactor;
    this.#byId = db.prepare<[string], MessageRow>("SELECT * FROM messages WHERE id = ?");
    this.#byKey = db.prepare<[string], MessageRow>("SELECT * FROM messages WHERE idempotency_key = ?");
    this.#insert = db.prepare(
      "INSERT INTO messages (id, idempotency_key, prompt, model, status, created_at) VALUES (?, ?, ?, ?, 'queued', ?)",
    );
    this.#next = db.prepare<[], MessageRow>("SELECT * FROM messages WHERE status = 'queued' ORDER BY seq LIMIT 1");
    this.#count = db.prepare<[], { n: number }>("SELECT count(*) AS n FROM messages WHERE status = 'queued'");
    this.#queued = this.#count.get()?.n ?? 0;
    this.#start = db.prepare(
      "UPDATE messages SET status = 'processing', started_at = ? WHERE id = ? AND status = 'queued'",
    );
    this.#finish = db.prepare(
      `UPDATE messages SET status = @status, result = @result, error = @error, cost_usd = @costUsd,
       duration_ms = @durationMs, num_turns = @numTurns, session_id = @sessionId, ended_at = @endedAt WHERE id = @id`,
    );
  }

  /**
   * Queues a prompt. With an idempotency key already seen, returns the first message and
   * `created: false` instead of queueing a second one.
   */
  enqueue(prompt: string, model: string | null, idempotencyKey: string | null): { message: Message; created: boolean } {
    return this.#db.transaction(() => {
      if (idempotencyKey !== null) {
        const existing = this.#byKey.get(idempotencyKey);
        if (existing !== undefined) return { message: toMessage(existing, this.#redactor), created: false };
      }
      const id = `msg_${randomUUID()}`;
      this.#insert.run(id, idempotencyKey, prompt, model, new Date().toISOString());
      this.#queued++;
      return { message: toMessage(this.#byId.get(id) as MessageRow, this.#redactor), created: true };
    })();
  }

  /** The message first queued under an idempotency key, if any. */
  enqueueIfKnown(idempotencyKey: string): { message: Message | undefined; created: false } {
    const row = this.#byKey.get(idempotencyKey);
    return { message: row === undefined ? undefined : toMessage(row, this.#redactor), created: false };
  }

  get(id: string): Message | undefined {
    const row = this.#byId.get(id);
    return row === undefined ? undefined : toMessage(row, this.#redactor);
  }

  /** The oldest queued message, if any. */
  peek(): QueuedMessage | undefined {
    const row = this.#next.get();
    return row === undefined ? undefined : { id: row.id, prompt: row.prompt, model: row.model };
  }

  queueLength(): number {
    return this.#queued;
  }

  markProcessing(id: string): void {
    if (this.#start.run(new Date().toISOString(), id).changes > 0) this.#queued--;
  }

  finish(id: string, outcome: MessageOutcome): void {
    const redact = (text: string | null): string | null => (text === null ? null : this.#redactor.text(text));
    this.#finish.run({
      id,
      ...outcome,
      result: redact(outcome.result),
      error: redact(outcome.error),
      endedAt: new Date().toISOString(),
    });
  }

  /** After a crash: messages that were running are marked `interrupted`; returns their ids. */
  recoverInterrupted(): string[] {
    const rows = this.#db
      .prepare<[], { id: string }>("SELECT id FROM messages WHERE status = 'processing' ORDER BY seq")
      .all();
    const now = new Date().toISOString();
    this.#db
      .prepare(
        "UPDATE messages SET status = 'interrupted', error = 'the runtime stopped while this message ran', ended_at = ? WHERE status = 'processing'",
      )
      .run(now);
    return rows.map((row) => row.id);
  }
}
