import type { BuildScope, Deploy, DeployMode, DeployPhase, DeployStatus } from "@app-building/types";
import type { Db, Migration } from "../db/database.js";
import { migrate } from "../db/database.js";

/** The deploy schema, one step per `user_version`. */
export const DEPLOY_MIGRATIONS: readonly Migration[] = [
  (db) => {
    db.exec(`
      CREATE TABLE deploys (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        id TEXT NOT NULL UNIQUE,
        status TEXT NOT NULL,
        scope TEXT NOT NULL,
        filters TEXT NOT NULL,
        requested_by TEXT,
        session_id TEXT,
        created_at TEXT NOT NULL,
        started_at TEXT,
        ended_at TEXT,
        duration_ms INTEGER,
        exit_code INTEGER,
        error_summary TEXT,
        phase TEXT NOT NULL,
        log_path TEXT NOT NULL,
        self_restart INTEGER NOT NULL DEFAULT 0,
        pid INTEGER
      );
      CREATE INDEX deploys_live ON deploys (status) WHERE status IN ('queued', 'building', 'restarting');
      CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    `);
  },
  // 2: when the build finished, so queue, build and restart times can be told apart.
  (db) => {
    db.exec("ALTER TABLE deploys ADD COLUMN build_ended_at TEXT");
  },
  // 3: releases: what a deploy built, what was live when it ended; admin rollbacks.
  (db) => {
    db.exec(`
      ALTER TABLE deploys ADD COLUMN built_release TEXT;
      ALTER TABLE deploys ADD COLUMN release TEXT;
      ALTER TABLE deploys ADD COLUMN action TEXT NOT NULL DEFAULT 'deploy';
    `);
  },
];

/** A deploy row with the fields the API does not show. */
export interface DeployRecord extends Deploy {
  logPath: string;
  /** The build's session id (turbo's pid) while it runs, so a restarted server can kill an orphaned build. */
  pid: number | null;
}

/** The fields a new deploy starts with. */
export interface NewDeploy {
  id: string;
  scope: BuildScope;
  filters: string[];
  requestedBy: string | null;
  sessionId: string | null;
  logPath: string;
  createdAt: string;
  /** `rollback` for an admin's switch of the live release (default `deploy`). */
  action?: "deploy" | "rollback";
}

/** Fields an update may change. */
export interface DeployPatch {
  status?: DeployStatus;
  scope?: BuildScope;
  filters?: string[];
  startedAt?: string | null;
  buildEndedAt?: string | null;
  endedAt?: string | null;
  durationMs?: number | null;
  exitCode?: number | null;
  errorSummary?: string | null;
  phase?: DeployPhase;
  selfRestart?: boolean;
  pid?: number | null;
  builtRelease?: string | null;
  release?: string | null;
}

interface Row {
  seq: number;
  id: string;
  status: DeployStatus;
  scope: BuildScope;
  filters: string;
  requested_by: string | null;
  session_id: string | null;
  created_at: string;
  started_at: string | null;
  build_ended_at: string | null;
  ended_at: string | null;
  duration_ms: number | null;
  exit_code: number | null;
  error_summary: string | null;
  phase: DeployPhase;
  log_path: string;
  self_restart: number;
  pid: number | null;
  built_release: string | null;
  release: string | null;
  action: "deploy" | "rollback";
}

const COLUMNS: Record<keyof DeployPatch, string> = {
  status: "status",
  scope: "scope",
  filters: "filters",
  startedAt: "started_at",
  buildEndedAt: "build_ended_at",
  endedAt: "ended_at",
  durationMs: "duration_ms",
  exitCode: "exit_code",
  errorSummary: "error_summary",
  phase: "phase",
  selfRestart: "self_restart",
  pid: "pid",
  builtRelease: "built_release",
  release: "release",
};

function toRecord(row: Row): DeployRecord {
  return {
    id: row.id,
    status: row.status,
    scope: row.scope,
    filters: JSON.parse(row.filters) as string[],
    requestedBy: row.requested_by,
    sessionId: row.session_id,
    createdAt: row.created_at,
    startedAt: row.started_at,
    buildEndedAt: row.build_ended_at,
    endedAt: row.ended_at,
    durationMs: row.duration_ms,
    exitCode: row.exit_code,
    errorSummary: row.error_summary,
    phase: row.phase,
    selfRestart: row.self_restart === 1,
    logPath: row.log_path,
    pid: row.pid,
    action: row.action,
    builtRelease: row.built_release,
    release: row.release,
  };
}

function toColumnValue(key: keyof DeployPatch, value: unknown): unknown {
  if (key === "filters") return JSON.stringify(value);
  if (key === "selfRestart") return value === true ? 1 : 0;
  return value;
}

/** A page of deploy records, newest first. */
export interface DeployPage {
  items: DeployRecord[];
  nextCursor: string | null;
}

/**
 * Deploy rows and the deploy mode in SQLite. Every statement is prepared once; every
 * write is a single statement or one transaction, so a crash never leaves half a row.
 */
export class DeployRepository {
  private readonly insertStmt;
  private readonly getStmt;
  private readonly pageStmt;
  private readonly pageAfterStmt;
  private readonly liveStmt;
  private readonly getSettingStmt;
  private readonly setSettingStmt;
  private readonly updateStmts = new Map<string, ReturnType<Db["prepare"]>>();

  constructor(private readonly db: Db) {
    migrate(db, DEPLOY_MIGRATIONS);
    this.insertStmt = db.prepare(
      `INSERT INTO deploys (id, status, scope, filters, requested_by, session_id, created_at, phase, log_path, action)
       VALUES (@id, 'queued', @scope, @filters, @requestedBy, @sessionId, @createdAt, 'queue', @logPath, @action)`,
    );
    this.getStmt = db.prepare<[string], Row>("SELECT * FROM deploys WHERE id = ?");
    this.pageStmt = db.prepare<[number], Row>("SELECT * FROM deploys ORDER BY seq DESC LIMIT ?");
    this.pageAfterStmt = db.prepare<[number, number], Row>(
      "SELECT * FROM deploys WHERE seq < ? ORDER BY seq DESC LIMIT ?",
    );
    this.liveStmt = db.prepare<[], Row>(
      "SELECT * FROM deploys WHERE status IN ('queued', 'building', 'restarting') ORDER BY seq",
    );
    this.getSettingStmt = db.prepare<[string], { value: string }>("SELECT value FROM settings WHERE key = ?");
    this.setSettingStmt = db.prepare(
      "INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
    );
  }

  /** Inserts a new `queued` deploy and returns it. */
  insert(deploy: NewDeploy): DeployRecord {
    this.insertStmt.run({ ...deploy, filters: JSON.stringify(deploy.filters), action: deploy.action ?? "deploy" });
    return this.mustGet(deploy.id);
  }

  /** Applies a patch and returns the updated row. */
  update(id: string, patch: DeployPatch): DeployRecord {
    const keys = (Object.keys(patch) as (keyof DeployPatch)[]).filter((key) => patch[key] !== undefined);
    if (keys.length > 0) {
      const sqlKey = keys.join(",");
      let stmt = this.updateStmts.get(sqlKey);
      if (stmt === undefined) {
        stmt = this.db.prepare(
          `UPDATE deploys SET ${keys.map((key) => `${COLUMNS[key]} = @${key}`).join(", ")} WHERE id = @id`,
        );
        this.updateStmts.set(sqlKey, stmt);
      }
      const values: Record<string, unknown> = { id };
      for (const key of keys) values[key] = toColumnValue(key, patch[key]);
      stmt.run(values);
    }
    return this.mustGet(id);
  }

  /** One deploy, or `undefined`. */
  get(id: string): DeployRecord | undefined {
    const row = this.getStmt.get(id);
    return row === undefined ? undefined : toRecord(row);
  }

  /** The log file of a deploy, or `undefined` for an unknown id. */
  getLogPath(id: string): string | undefined {
    return this.get(id)?.logPath;
  }

  /** A page of deploys, newest first; `cursor` is the previous page's `nextCursor`. */
  list(limit: number, cursor?: string): DeployPage {
    const after = cursor === undefined ? undefined : Number(cursor);
    const rows =
      after === undefined || !Number.isSafeInteger(after)
        ? this.pageStmt.all(limit + 1)
        : this.pageAfterStmt.all(after, limit + 1);
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      items: page.map(toRecord),
      nextCursor: rows.length > limit && last !== undefined ? String(last.seq) : null,
    };
  }

  /** Rows not yet terminal, oldest first. */
  listLive(): DeployRecord[] {
    return this.liveStmt.all().map(toRecord);
  }

  /**
   * Boot recovery: rows a crash left `queued`, `building` or `restarting` become
   * `interrupted` with an end time, in one transaction.
   *
   * @returns the rows as they were before recovery (their `pid` names any build left running).
   */
  recoverInterrupted(now: Date = new Date()): DeployRecord[] {
    const recover = this.db.transaction(() => {
      const live = this.listLive();
      for (const row of live) {
        const startedMs = row.startedAt === null ? null : Date.parse(row.startedAt);
        this.update(row.id, {
          status: "interrupted",
          endedAt: now.toISOString(),
          durationMs: startedMs === null ? null : Math.max(0, now.getTime() - startedMs),
          errorSummary: `core-back stopped while this deploy was ${row.status}; deploy again`,
          pid: null,
        });
      }
      return live;
    });
    return recover.immediate();
  }

  /** The stored deploy mode, or `undefined` when never set. */
  getMode(): DeployMode | undefined {
    const value = this.getSettingStmt.get("deploy_mode")?.value;
    return value === "restricted" || value === "unrestricted" ? value : undefined;
  }

  /** Stores the deploy mode. */
  setMode(mode: DeployMode): void {
    this.setSettingStmt.run("deploy_mode", mode);
  }

  private mustGet(id: string): DeployRecord {
    const record = this.get(id);
    if (record === undefined) throw new Error(`deploy ${id} vanished from the database`);
    return record;
  }
}
