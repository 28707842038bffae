import type { Db } from "./database.js";

/** The runtime's durable counters and flags, kept across restarts. */
export interface PersistentState {
  sessionId: string | null;
  iteration: number;
  tasksProcessed: number;
  totalCostUsd: number;
  pendingPush: boolean;
}

const DEFAULTS: PersistentState = {
  sessionId: null,
  iteration: 0,
  tasksProcessed: 0,
  totalCostUsd: 0,
  pendingPush: false,
};

/** A small key-value table holding {@link PersistentState}, cached in memory for cheap reads. */
export class StateStore {
  readonly #db: Db;
  readonly #state: PersistentState;
  readonly #upsert;

  constructor(db: Db) {
    this.#db = db;
    this.#upsert = db.prepare(
      "INSERT INTO state (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
    );
    const rows = db.prepare<[], { key: string; value: string }>("SELECT key, value FROM state").all();
    const loaded: Record<string, unknown> = {};
    for (const row of rows) loaded[row.key] = JSON.parse(row.value);
    this.#state = { ...DEFAULTS, ...(loaded as Partial<PersistentState>) };
  }

  get(): Readonly<PersistentState> {
    return this.#state;
  }

  update(patch: Partial<PersistentState>): void {
    this.#db.transaction(() => {
      for (const [key, value] of Object.entries(patch)) {
        this.#upsert.run(key, JSON.stringify(value));
      }
    })();
    Object.assign(this.#state, patch);
  }
}
