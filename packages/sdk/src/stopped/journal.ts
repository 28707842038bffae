import { existsSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import type { JournalEvent, LogLine, Message } from "@app-building/types";
import { ConfigurationError, SDK_ERROR_CODES } from "../errors.js";

/** Rows read per query while iterating. */
const PAGE = 1000;

interface MessageRow {
  id: string;
  prompt: string;
  status: Message["status"];
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

function toMessage(row: MessageRow): Message {
  return {
    id: row.id,
    status: row.status,
    prompt: row.prompt,
    result: row.result,
    error: row.error,
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
 * A read-only view of the journal a container left in its data folder
 * (`<dataDir>/runtime.sqlite`, written by the runtime): its events, log lines, messages
 * and counters, with the same offsets the container API served. Opening it never
 * changes it, and it can be read while the runtime still writes. Close it when done.
 *
 * @example
 * ```ts
 * import { ContainerJournal, FileContainerRegistry } from "@app-building/sdk";
 * const entry = await new FileContainerRegistry().find("app-building-3f2a9c01d4");
 * if (entry === null) throw new Error("app-building-3f2a9c01d4 is not in the registry");
 * const journal = ContainerJournal.open(entry.dataDir!); // a process container's data folder
 * try {
 *   for (const event of journal.events()) console.log(event.offset, event.kind);
 *   console.log(journal.lastMessage()?.result);
 * } finally {
 *   journal.close();
 * }
 * ```
 */
export class ContainerJournal {
  /** The journal file. */
  readonly file: string;
  readonly #db: Database.Database;

  private constructor(file: string, db: Database.Database) {
    this.file = file;
    this.#db = db;
  }

  /**
   * Opens the journal in `dataDir` read-only; a folder without one is a
   * {@link ConfigurationError} (`journal_missing`).
   *
   * @example
   * ```ts
   * import { ContainerJournal } from "@app-building/sdk";
   * const journal = ContainerJournal.open("/home/me/.local/state/app-building/containers/app-building-3f2a9c01d4/data");
   * ```
   */
  static open(dataDir: string): ContainerJournal {
    const file = join(dataDir, "runtime.sqlite");
    if (!existsSync(file)) {
      throw new ConfigurationError(
        `There is no journal at ${file}: the container's folder was removed (app-building prune removes stopped containers' folders).`,
        SDK_ERROR_CODES.journalMissing,
      );
    }
    return new ContainerJournal(file, new Database(file, { readonly: true, fileMustExist: true }));
  }

  /** The events from `offset` on, in order. */
  *events(offset = 0): Generator<JournalEvent, void, undefined> {
    const select = this.#db.prepare<[number, number], [number, string, string | null, string, string]>(
      "SELECT offset, time, message_id, kind, data FROM events WHERE offset >= ? ORDER BY offset LIMIT ?",
    );
    let next = offset;
    for (;;) {
      const rows = select.raw(true).all(next, PAGE);
      for (const [at, time, messageId, kind, data] of rows) {
        next = at + 1;
        yield journalEvent(at, time, messageId, kind, data);
      }
      if (rows.length < PAGE) return;
    }
  }

  /** The log lines from `offset` on, in order. */
  *logs(offset = 0): Generator<LogLine, void, undefined> {
    const select = this.#db.prepare<[number, number], [number, string, string, string]>(
      "SELECT offset, time, stream, line FROM logs WHERE offset >= ? ORDER BY offset LIMIT ?",
    );
    let next = offset;
    for (;;) {
      const rows = select.raw(true).all(next, PAGE);
      for (const [at, time, stream, line] of rows) {
        next = at + 1;
        yield { offset: at, time, stream: stream as LogLine["stream"], line };
      }
      if (rows.length < PAGE) return;
    }
  }

  /** One message by id, or `null`. */
  message(id: string): Message | null {
    const row = this.#db.prepare<[string], MessageRow>("SELECT * FROM messages WHERE id = ?").get(id);
    return row === undefined ? null : toMessage(row);
  }

  /** The message queued last, or `null` when none was ever sent. */
  lastMessage(): Message | null {
    const row = this.#db.prepare<[], MessageRow>("SELECT * FROM messages ORDER BY seq DESC LIMIT 1").get();
    return row === undefined ? null : toMessage(row);
  }

  /** The newest event of one of `kinds`, or `null`. */
  lastEvent(kinds: readonly JournalEvent["kind"][]): JournalEvent | null {
    const row = this.#db
      .prepare<string[], [number, string, string | null, string, string]>(
        `SELECT offset, time, message_id, kind, data FROM events WHERE kind IN (${kinds.map(() => "?").join(", ")}) ORDER BY offset DESC LIMIT 1`,
      )
      .raw(true)
      .get(...kinds);
    if (row === undefined) return null;
    const [offset, time, messageId, kind, data] = row;
    return journalEvent(offset, time, messageId, kind, data);
  }

  /** The newest runtime log line that starts with `prefix`, or `null`. */
  lastRuntimeLine(prefix: string): string | null {
    const row = this.#db
      .prepare<
        [number, string],
        { line: string }
      >("SELECT line FROM logs WHERE stream = 'runtime' AND substr(line, 1, ?) = ? ORDER BY offset DESC LIMIT 1")
      .get(prefix.length, prefix);
    return row?.line ?? null;
  }

  /** The runtime's durable counters (`totalCostUsd`, `iteration`, `pendingPush`, ...). */
  counters(): Record<string, unknown> {
    const rows = this.#db.prepare<[], { key: string; value: string }>("SELECT key, value FROM state").all();
    return Object.fromEntries(rows.map((row) => [row.key, JSON.parse(row.value) as unknown]));
  }

  /** Closes the file. */
  close(): void {
    this.#db.close();
  }
}

/** An event row as the runtime wrote it (its data matches its kind's schema: the runtime validated it). */
function journalEvent(
  offset: number,
  time: string,
  messageId: string | null,
  kind: string,
  data: string,
): JournalEvent {
  return { offset, time, messageId, kind, data: JSON.parse(data) as unknown } as JournalEvent;
}
