import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { migrate, openDatabase } from "../db/database.js";
import { DEPLOY_MIGRATIONS, DeployRepository } from "./repository.js";

const dirs: string[] = [];
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

function freshFile(): string {
  const dir = mkdtempSync(join(tmpdir(), "deploy-repo-"));
  dirs.push(dir);
  return join(dir, "core-back.db");
}

function newDeploy(id: string) {
  return {
    id,
    scope: "platform" as const,
    filters: ["@fx/app..."],
    requestedBy: null,
    sessionId: "s1",
    logPath: `/logs/${id}.log`,
    createdAt: new Date().toISOString(),
  };
}

describe("DeployRepository", () => {
  it("creates its schema in a WAL-mode file and records the schema version", () => {
    const db = openDatabase(freshFile());
    new DeployRepository(db);
    expect(db.pragma("journal_mode", { simple: true })).toBe("wal");
    expect(db.pragma("user_version", { simple: true })).toBe(DEPLOY_MIGRATIONS.length);
    // Opening again migrates nothing and keeps the rows.
    new DeployRepository(db).insert(newDeploy("a"));
    expect(new DeployRepository(db).get("a")?.status).toBe("queued");
  });

  it("upgrades a database from the schema before build end times, keeping its rows with buildEndedAt null", () => {
    const file = freshFile();
    const old = openDatabase(file);
    migrate(old, DEPLOY_MIGRATIONS.slice(0, 1));
    expect(old.pragma("user_version", { simple: true })).toBe(1);
    old
      .prepare(
        `INSERT INTO deploys (id, status, scope, filters, created_at, started_at, ended_at, duration_ms, exit_code, phase, log_path)
         VALUES ('old', 'ok', 'platform', '["@fx/app..."]', '2024-01-01T00:00:00.000Z', '2024-01-01T00:00:01.000Z',
                 '2024-01-01T00:00:09.000Z', 8000, 0, 'done', '/logs/old.log')`,
      )
      .run();
    old.close();

    const db = openDatabase(file);
    const repo = new DeployRepository(db);
    expect(db.pragma("user_version", { simple: true })).toBe(3);
    expect(repo.get("old")).toMatchObject({
      id: "old",
      status: "ok",
      startedAt: "2024-01-01T00:00:01.000Z",
      endedAt: "2024-01-01T00:00:09.000Z",
      durationMs: 8000,
      buildEndedAt: null,
      action: "deploy",
      builtRelease: null,
      release: null,
    });
    const stamped = repo.update("old", { buildEndedAt: "2024-01-01T00:00:05.000Z" });
    expect(stamped.buildEndedAt).toBe("2024-01-01T00:00:05.000Z");
  });

  it("refuses a database written by a newer core-back", () => {
    const db = openDatabase(freshFile());
    db.pragma("user_version = 99");
    expect(() => new DeployRepository(db)).toThrow(/newer than this core-back knows/);
  });

  it("inserts a queued deploy and updates it field by field", () => {
    const repo = new DeployRepository(openDatabase(freshFile()));
    const created = repo.insert(newDeploy("d1"));
    expect(created).toMatchObject({
      id: "d1",
      status: "queued",
      phase: "queue",
      scope: "platform",
      selfRestart: false,
      startedAt: null,
      buildEndedAt: null,
      endedAt: null,
    });
    const updated = repo.update("d1", { status: "ok", exitCode: 0, phase: "done", selfRestart: true, filters: ["x"] });
    expect(updated).toMatchObject({ status: "ok", exitCode: 0, phase: "done", selfRestart: true, filters: ["x"] });
    expect(repo.getLogPath("d1")).toBe("/logs/d1.log");
    expect(repo.get("nope")).toBeUndefined();
  });

  it("pages through deploys newest first", () => {
    const repo = new DeployRepository(openDatabase(freshFile()));
    for (const id of ["a", "b", "c", "d", "e"]) repo.insert(newDeploy(id));
    const first = repo.list(2);
    expect(first.items.map((d) => d.id)).toEqual(["e", "d"]);
    const second = repo.list(2, first.nextCursor!);
    expect(second.items.map((d) => d.id)).toEqual(["c", "b"]);
    const last = repo.list(2, second.nextCursor!);
    expect(last.items.map((d) => d.id)).toEqual(["a"]);
    expect(last.nextCursor).toBeNull();
  });

  it("keeps the deploy mode across reopenings", () => {
    const file = freshFile();
    const repo = new DeployRepository(openDatabase(file));
    expect(repo.getMode()).toBeUndefined();
    repo.setMode("unrestricted");
    expect(new DeployRepository(openDatabase(file)).getMode()).toBe("unrestricted");
  });

  it("marks deploys a crash left live as interrupted, with an end time, and leaves finished ones alone", () => {
    const file = freshFile();
    const repo = new DeployRepository(openDatabase(file));
    repo.insert(newDeploy("queued"));
    repo.insert(newDeploy("building"));
    repo.update("building", { status: "building", startedAt: new Date(Date.now() - 1000).toISOString(), pid: 4242 });
    repo.insert(newDeploy("restarting"));
    repo.update("restarting", { status: "restarting" });
    repo.insert(newDeploy("done"));
    repo.update("done", { status: "ok" });

    const reopened = new DeployRepository(openDatabase(file));
    const recovered = reopened.recoverInterrupted();
    expect(recovered.map((d) => d.id)).toEqual(["queued", "building", "restarting"]);
    expect(recovered.find((d) => d.id === "building")?.pid).toBe(4242);
    for (const id of ["queued", "building", "restarting"]) {
      const row = reopened.get(id)!;
      expect(row.status).toBe("interrupted");
      expect(row.endedAt).not.toBeNull();
      expect(row.pid).toBeNull();
    }
    expect(reopened.get("building")!.durationMs).toBeGreaterThanOrEqual(1000);
    expect(reopened.get("done")!.status).toBe("ok");
  });
});
