import type { Db } from "./database.js";

/** Resolves when something at or past an offset exists, or when the wait is over. */
interface Waiter {
  offset: number;
  resolve: () => void;
}

/** The read side of an {@link OffsetLog}: what HTTP readers need. */
export interface ReadableLog {
  readonly committedOffset: number;
  readJson(offset: number, limit: number): string[];
  pageJson(offset: number, limit: number): string;
  waitFor(offset: number, ms: number, signal?: AbortSignal): Promise<void>;
}

/**
 * An append-only log with dense offsets starting at 0, stored in one SQLite table whose
 * primary key is the offset: a read at offset N is one index seek, whatever N is.
 * Appends are buffered and written in one transaction per tick, so an agent printing
 * thousands of lines a second costs one fsync-free commit per burst; readers only ever see
 * what is committed.
 */
export class OffsetLog<Row extends unknown[]> implements ReadableLog {
  readonly #db: Db;
  readonly #insert: (row: [number, ...Row]) => void;
  readonly #select: (offset: number, limit: number) => unknown[];
  readonly #toJson: (row: unknown) => string;
  #next: number;
  #committed: number;
  #pending: [number, ...Row][] = [];
  #scheduled = false;
  #waiters = new Set<Waiter>();

  constructor(db: Db, table: string, columns: readonly string[], toJson: (row: unknown) => string) {
    this.#db = db;
    const insert = db.prepare(
      `INSERT INTO ${table} (offset, ${columns.join(", ")}) VALUES (?, ${columns.map(() => "?").join(", ")})`,
    );
    this.#insert = (row) => insert.run(...row);
    const select = db.prepare(
      `SELECT offset, ${columns.join(", ")} FROM ${table} WHERE offset >= ? ORDER BY offset LIMIT ?`,
    );
    this.#select = (offset, limit) => select.raw(true).all(offset, limit);
    this.#toJson = toJson;
    const max = db.prepare(`SELECT max(offset) AS max FROM ${table}`).get() as { max: number | null };
    this.#next = (max.max ?? -1) + 1;
    this.#committed = this.#next;
  }

  /** The offset the next appended item will get. */
  get nextOffset(): number {
    return this.#next;
  }

  /** Everything below this offset is on disk and readable. */
  get committedOffset(): number {
    return this.#committed;
  }

  /** Queues one item; it is committed on the next tick (or at {@link flush}). Returns its offset. */
  append(...row: Row): number {
    const offset = this.#next++;
    this.#pending.push([offset, ...row]);
    if (!this.#scheduled) {
      this.#scheduled = true;
      setImmediate(() => this.flush());
    }
    return offset;
  }

  /** Commits everything appended so far, then wakes readers waiting for it. */
  flush(): void {
    this.#scheduled = false;
    if (this.#pending.length === 0) return;
    const batch = this.#pending;
    this.#pending = [];
    this.#db.transaction(() => {
      for (const row of batch) this.#insert(row);
    })();
    this.#committed = this.#next;
    for (const waiter of this.#waiters) {
      if (waiter.offset < this.#committed) {
        this.#waiters.delete(waiter);
        waiter.resolve();
      }
    }
  }

  /** Up to `limit` committed items from `offset`, each as its JSON text. */
  readJson(offset: number, limit: number): string[] {
    if (offset >= this.#committed) return [];
    return this.#select(offset, limit).map(this.#toJson);
  }

  /** A page `{items, nextOffset}` as JSON text, built without re-serialising stored JSON. */
  pageJson(offset: number, limit: number): string {
    const items = this.readJson(offset, limit);
    return `{"items":[${items.join(",")}],"nextOffset":${offset + items.length}}`;
  }

  /** Resolves once an item at or past `offset` is committed, after `ms`, or on abort. */
  waitFor(offset: number, ms: number, signal?: AbortSignal): Promise<void> {
    if (offset < this.#committed || ms <= 0 || signal?.aborted === true) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        signal?.removeEventListener("abort", done);
        this.#waiters.delete(waiter);
        resolve();
      };
      const waiter: Waiter = { offset, resolve: done };
      const timer = setTimeout(done, ms);
      signal?.addEventListener("abort", done, { once: true });
      this.#waiters.add(waiter);
    });
  }
}
