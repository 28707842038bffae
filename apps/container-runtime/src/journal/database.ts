import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";

/** The runtime's SQLite handle. */
export type Db = Database.Database;

const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE events (
    offset INTEGER PRIMARY KEY,
    time TEXT NOT NULL,
    message_id TEXT,
    kind TEXT NOT NULL,
    data TEXT NOT NULL
  );
  CREATE TABLE logs (
    offset INTEGER PRIMARY KEY,
    time TEXT NOT NULL,
    stream TEXT NOT NULL,
    line TEXT NOT NULL
  );
  CREATE TABLE messages (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    idempotency_key TEXT UNIQUE,
    prompt TEXT NOT NULL,
    model TEXT,
    status TEXT NOT NULL,
    result TEXT,
    error TEXT,
    cost_usd REAL,
    duration_ms INTEGER,
    num_turns INTEGER,
    session_id TEXT,
    created_at TEXT NOT NULL,
    started_at TEXT,
    ended_at TEXT
  );
  CREATE INDEX messages_by_status ON messages (status, seq);
  CREATE TABLE tasks (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    prompt TEXT NOT NULL,
    status TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    max_attempts INTEGER NOT NULL,
    result TEXT,
    error TEXT,
    created_at TEXT NOT NULL,
    ended_at TEXT
  );
  CREATE INDEX tasks_by_status ON tasks (status, seq);
  CREATE TABLE outbox (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    type TEXT NOT NULL,
    body TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending',
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    created_at TEXT NOT NULL,
    delivered_at TEXT
  );
  CREATE INDEX outbox_by_status ON outbox (status, seq);
  CREATE TABLE state (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
  );
  `,
];

/** Only the runtime's user may read the journal: it holds prompts and the agent's work. */
const DIR_MODE = 0o700;
const FILE_MODE = 0o600;

/** Sets `mode` on `path` if it exists (the -wal and -shm files come and go with SQLite). */
function restrict(path: string, mode: number): void {
  if (existsSync(path)) chmodSync(path, mode);
}

/**
 * Opens (creating if needed) the journal database in `dataDir` and brings its schema up
 * to date. WAL with `synchronous=NORMAL`: a committed transaction survives the process
 * being killed at any moment. The folder is 0700 and the database (with its -wal and -shm)
 * 0600 whatever the umask: the file is created 0600 before SQLite opens it, and SQLite
 * gives its -wal and -shm files the database's mode.
 */
export function openDatabase(dataDir: string): Db {
  mkdirSync(dataDir, { recursive: true, mode: DIR_MODE });
  chmodSync(dataDir, DIR_MODE);
  const file = join(dataDir, "runtime.sqlite");
  closeSync(openSync(file, "a", FILE_MODE));
  chmodSync(file, FILE_MODE);
  const db = new Database(file);
  db.pragma("journal_mode = WAL");
  for (const suffix of ["-wal", "-shm"]) restrict(`${file}${suffix}`, FILE_MODE);
  db.pragma("synchronous = NORMAL");
  db.pragma("busy_timeout = 5000");
  const version = db.pragma("user_version", { simple: true }) as number;
  for (let index = version; index < MIGRATIONS.length; index++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[index] ?? "");
      db.pragma(`user_version = ${index + 1}`);
    })();
  }
  return db;
}
