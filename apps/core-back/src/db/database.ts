import Database from "better-sqlite3";
import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from "node:fs";
import { dirname } from "node:path";

/** A better-sqlite3 connection. */
export type Db = Database.Database;

/** One schema step: the SQL that takes `user_version` from its index to index + 1. */
export type Migration = (db: Db) => void;

/**
 * Opens (creating if needed) a SQLite file in WAL mode with foreign keys on and a busy
 * timeout, so a second reader never fails on a lock held briefly by the writer. The file
 * and its WAL and shared-memory files are 0600; a folder it has to make is 0700.
 */
export function openDatabase(path: string): Db {
  if (path === ":memory:") return configure(new Database(path));
  // Sessions, API keys and deploy history: readable by this user alone, whatever the umask.
  // SQLite gives the WAL and shared-memory files the database file's mode.
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  closeSync(openSync(path, "a", 0o600));
  for (const file of [path, `${path}-wal`, `${path}-shm`]) {
    if (existsSync(file)) chmodSync(file, 0o600);
  }
  return configure(new Database(path));
}

function configure(db: Db): Db {
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = NORMAL");
  db.pragma("foreign_keys = ON");
  db.pragma("busy_timeout = 5000");
  return db;
}

/**
 * Applies the migrations the file has not seen yet, by `user_version`, all in one
 * immediate transaction: a crash mid-migration leaves the file as it was.
 *
 * @returns the schema version after migrating.
 */
export function migrate(db: Db, migrations: readonly Migration[]): number {
  const apply = db.transaction(() => {
    const current = db.pragma("user_version", { simple: true }) as number;
    if (current > migrations.length) {
      throw new Error(
        `the database schema is version ${current}, newer than this core-back knows (${migrations.length}): upgrade core-back`,
      );
    }
    for (let version = current; version < migrations.length; version += 1) {
      migrations[version]?.(db);
    }
    db.pragma(`user_version = ${migrations.length}`);
    return migrations.length;
  });
  return apply.immediate();
}
