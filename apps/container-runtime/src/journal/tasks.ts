import { randomUUID } from "node:crypto";
import type { Task, TaskStatus } from "@app-building/types";
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

function toTask(row: TaskRow): Task {
  return {
    id: row.id,
    status: row.status,
    prompt: row.prompt,
    attempts: row.attempts,
    maxAttempts: row.max_attempts,
    result: row.result,
    error: row.error,
    createdAt: row.created_at,
    endedAt: row.ended_at,
  };
}

/** The durable task queue: follow-up work the agent queues for itself. */
export class TaskStore {
  readonly #db: Db;
  /** Unfinished tasks, counted in memory so `/status` costs no query. */
  #open: number;

  constructor(db: Db) {
    this.#db = db;
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
    return row === undefined ? undefined : toTask(row);
  }

  list(): Task[] {
    return this.#db.prepare<[], TaskRow>("SELECT * FROM tasks ORDER BY seq").all().map(toTask);
  }

  /** The oldest pending task, if any. */
  peek(): Task | undefined {
    const row = this.#db
      .prepare<[], TaskRow>("SELECT * FROM tasks WHERE status = 'pending' ORDER BY seq LIMIT 1")
      .get();
    return row === undefined ? undefined : toTask(row);
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
      .run(status, outcome.result, outcome.error, ended, id);
    if (status !== "pending") this.#open--;
    return this.get(id) as Task;
  }

  /** Ends a task as failed, whatever attempts are left. */
  fail(id: string, error: string): Task {
    const changed = this.#db
      .prepare(
        "UPDATE tasks SET status = 'failed', error = ?, ended_at = ? WHERE id = ? AND status IN ('pending', 'processing')",
      )
      .run(error, new Date().toISOString(), id).changes;
    if (changed > 0) this.#open--;
    return this.get(id) as Task;
  }

  /** After a crash: a task that was running goes back to pending (its attempt counts). */
  recoverInterrupted(): void {
    this.#db.prepare("UPDATE tasks SET status = 'pending' WHERE status = 'processing'").run();
  }
}
