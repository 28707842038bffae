import { randomUUID } from "node:crypto";
import type { Task, TaskStatus } from "@app-building/types";
import type { Redactor } from "../redact.js";
import type { Db } from "./database.js";

interface TaskRow {
  id: string;
  prompt: string;
  status: TaskStatus;
  attempts: number;
  max_attempts: number;
  result: string | null;
  error: string | null;
  created_at: string;
  ended_at: string | null;
}

/** A row as the API shows it: redacted again on the way out, for rows written before redaction at rest. */
function toTask(row: TaskRow, redactor: Redactor): Task {
  return {
    id: row.id,
    status: row.status,
    prompt: redactor.text(row.prompt),
    attempts: row.attempts,
    maxAttempts: row.max_attempts,
    result: row.result === null ? null : redactor.text(row.result),
    error: row.error === null ? null : redactor.text(row.error),
    createdAt: row.created_at,
    endedAt: row.ended_at,
  };
}

/**
 * The durable task queue: follow-up work the agent queues for itself. Results and errors
 * are redacted before they are stored; prompts are redacted in every answer.
 */
export class TaskStore {
  readonly #db: Db;
  readonly #redactor: Redactor;
  /** Unfinished tasks, counted in memory so `/status` costs no query. */
  #open: number;

  constructor(db: Db, redactor: Redactor) {
    this.#db = db;
    this.#redactor = redactor;
    this.#open =
      db.prepare<[], { n: number }>("SELECT count(*) AS n FROM tasks WHERE status IN ('pending', 'processing')").get()
        ?.n ?? 0;
  }

  add(prompt: string, maxAttempts: number): Task {
    const id = `task_${randomUUID()}`;
    this.#db
      .prepare("INSERT INTO tasks (id, prompt, status, max_attempts, created_at) VALUES (?, ?, 'pending', ?, ?)")
      .run(id, prompt, maxAttempts, new Date().toISOString());
    this.#open++;
    return this.get(id) as Task;
  }

  get(id: string): Task | undefined {
    const row = this.#db.prepare<[string], TaskRow>("SELECT * FROM tasks WHERE id = ?").get(id);
    return row === undefined ? undefined : toTask(row, this.#redactor);
  }

  list(): Task[] {
    return this.#db
      .prepare<[], TaskRow>("SELECT * FROM tasks ORDER BY seq")
      .all()
      .map((row) => toTask(row, this.#redactor));
  }

  /** The oldest pending task, if any. */
  peek(): Task | undefined {
    const row = this.#db
      .prepare<[], TaskRow>("SELECT * FROM tasks WHERE status = 'pending' ORDER BY seq LIMIT 1")
      .get();
    return row === undefined ? undefined : toTask(row, this.#redactor);
  }

  pendingCount(): number {
    return this.#open;
  }

  /** Starts one more attempt. */
  startAttempt(id: string): void {
    this.#db.prepare("UPDATE tasks SET status = 'processing', attempts = attempts + 1 WHERE id = ?").run(id);
  }

  /** Ends an attempt: `done`, `failed` (no attempts left), or `pending` again. */
  endAttempt(id: string, outcome: { done: boolean; result: string | null; error: string | null }): Task {
    const task = this.get(id) as Task;
    const status: TaskStatus = outcome.done ? "done" : task.attempts >= task.maxAttempts ? "failed" : "pending";
    const ended = status === "pending" ? null : new Date().toISOString();
    this.#db
      .prepare("UPDATE tasks SET status = ?, result = ?, error = ?, ended_at = ? WHERE id = ?")
      .run(status, this.#redact(outcome.result), this.#redact(outcome.error), ended, id);
    if (status !== "pending") this.#open--;
    return this.get(id) as Task;
  }

  /** Ends a task as failed, whatever attempts are left. */
  fail(id: string, error: string): Task {
    const changed = this.#db
      .prepare(
        "UPDATE tasks SET status = 'failed', error = ?, ended_at = ? WHERE id = ? AND status IN ('pending', 'processing')",
      )
      .run(this.#redactor.text(error), new Date().toISOString(), id).changes;
    if (changed > 0) this.#open--;
    return this.get(id) as Task;
  }

  #redact(text: string | null): string | null {
    return text === null ? null : this.#redactor.text(text);
  }

  /** After a crash: a task that was running goes back to pending (its attempt counts). */
  recoverInterrupted(): void {
    this.#db.prepare("UPDATE tasks SET status = 'pending' WHERE status = 'processing'").run();
  }
}
