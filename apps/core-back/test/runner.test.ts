import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BuildRunner, type BuildResult } from "../src/deploy/runner.js";
import {
  createFixtureWorkspace,
  processAlive,
  sessionProcesses,
  TURBO_BIN,
  type FixtureWorkspace,
} from "./fixture-workspace.js";

let fx: FixtureWorkspace;
let runner: BuildRunner;
const logDir = mkdtempSync(join(tmpdir(), "core-back-logs-"));
let n = 0;
const logPath = (): string => join(logDir, `build-${(n += 1)}.log`);

beforeAll(() => {
  fx = createFixtureWorkspace();
  runner = new BuildRunner({ turboBin: TURBO_BIN, workspaceDir: fx.dir, env: process.env, killGraceMs: 1000 });
});
afterAll(() => {
  fx.remove();
  rmSync(logDir, { recursive: true, force: true });
});

describe("BuildRunner with real turbo", () => {
  it("builds a scope and logs turbo's output to the deploy's log file", async () => {
    const path = logPath();
    const result = await runner.run({ deployId: "d-ok", filters: ["@fx/app..."], logPath: path, timeoutMs: 60_000 });
    expect(result).toMatchObject({ outcome: "ok", exitCode: 0, errorSummary: null });
    const log = readFileSync(path, "utf8");
    expect(log).toContain("--ui=stream --summarize --filter=@fx/app...");
    expect(log).toContain("@fx/app:build");
    expect(log).toContain("build ok (exit 0)");
  });

  it("names the failed task and the compiler's error line with file and line in errorSummary", async () => {
    fx.breakLib();
    try {
      const result = await runner.run({
        deployId: "d-ts",
        filters: ["@fx/app..."],
        logPath: logPath(),
        timeoutMs: 60_000,
      });
      expect(result.outcome).toBe("failed");
      expect(result.exitCode).not.toBe(0);
      expect(result.errorSummary).toContain("@fx/lib#build (packages/lib) exited with code 2");
      expect(result.errorSummary).toMatch(/src\/index\.ts\(2,14\): error TS2322/);
      expect(result.errorSummary).not.toMatch(/npm error/);
    } finally {
      fx.fixLib();
    }
  });

  it("falls back to the output tail when turbo fails before running any task", async () => {
    const result = await runner.run({
      deployId: "d-bad",
      filters: ["@fx/nope"],
      logPath: logPath(),
      timeoutMs: 60_000,
    });
    expect(result.outcome).toBe("failed");
    expect(result.errorSummary).toMatch(/^turbo failed \(exit 1\); the last lines of its output:/);
    expect(result.errorSummary).toContain("@fx/nope");
  });

  it("reports a failed build, not a crash, when the turbo binary does not exist", async () => {
    const path = logPath();
    const missing = join(fx.dir, "node_modules", ".bin", "no-turbo-here");
    const broken = new BuildRunner({ turboBin: missing, workspaceDir: fx.dir, env: process.env, killGraceMs: 1000 });
    let spawned = false;
    const result = await broken.run({
      deployId: "d-no-turbo",
      filters: ["@fx/app..."],
      logPath: path,
      timeoutMs: 60_000,
      onSpawn: () => (spawned = true),
    });
    expect(result).toMatchObject({ outcome: "failed", exitCode: null, signal: null });
    expect(result.errorSummary).toBe(`turbo did not run (${missing} in ${fx.dir}): spawn ${missing} ENOENT`);
    expect(spawned).toBe(false);
    const log = readFileSync(path, "utf8");
    expect(log).toContain(`[core-back] turbo did not run: spawn ${missing} ENOENT`);
    expect(log).toContain("build failed (exit none)");
  });

  it("stops the whole process tree when the build passes its timeout", async () => {
    fx.setSlowDelay(30_000);
    const before = fx.slowRuns().length;
    let pgid = 0;
    const result = await runner.run({
      deployId: "d-timeout",
      filters: ["@fx/slow"],
      logPath: logPath(),
      timeoutMs: 2500,
      onSpawn: (pid) => (pgid = pid),
    });
    expect(result.outcome).toBe("timed_out");
    expect(result.errorSummary).toMatch(/timeout/);
    const run = fx.slowRuns()[before];
    expect(run).toBeDefined();
    expect(processAlive(run!.pid)).toBe(false);
    expect(processAlive(run!.childPid)).toBe(false);
    expect(processAlive(pgid)).toBe(false);
  });

  it("stops the whole process tree when the build is cancelled", async () => {
    fx.setSlowDelay(30_000);
    const before = fx.slowRuns().length;
    const abort = new AbortController();
    const running = runner.run({
      deployId: "d-cancel",
      filters: ["@fx/slow"],
      logPath: logPath(),
      timeoutMs: 60_000,
      signal: abort.signal,
    });
    await expect.poll(() => fx.slowRuns().length, { timeout: 15_000 }).toBe(before + 1);
    abort.abort();
    const result = await running;
    expect(result.outcome).toBe("cancelled");
    const run = fx.slowRuns()[before]!;
    expect(processAlive(run.pid)).toBe(false);
    expect(processAlive(run.childPid)).toBe(false);
  });

  it("reports no exit code for a build it stopped, though turbo exits 0 after stopping its tasks", async () => {
    // A grace long enough for turbo to shut down by itself: it then exits with status 0.
    const patient = new BuildRunner({
      turboBin: TURBO_BIN,
      workspaceDir: fx.dir,
      env: process.env,
      killGraceMs: 20_000,
    });
    fx.setSlowDelay(30_000);
    const before = fx.slowRuns().length;
    const abort = new AbortController();
    const running = patient.run({
      deployId: "d-cancel-code",
      filters: ["@fx/slow"],
      logPath: logPath(),
      timeoutMs: 60_000,
      signal: abort.signal,
    });
    await expect.poll(() => fx.slowRuns().length, { timeout: 15_000 }).toBe(before + 1);
    abort.abort();
    const cancelled = await running;
    expect(cancelled.outcome).toBe("cancelled");
    expect(cancelled.exitCode).toBeNull();
    expect(cancelled.signal).toBe("SIGTERM");

    const timedOut = await patient.run({
      deployId: "d-timeout-code",
      filters: ["@fx/slow"],
      logPath: logPath(),
      timeoutMs: 2500,
    });
    expect(timedOut.outcome).toBe("timed_out");
    expect(timedOut.exitCode).toBeNull();
    expect(timedOut.signal).toBe("SIGTERM");
  });

  describe("with tasks that ignore SIGINT and SIGTERM", () => {
    beforeAll(() => fx.setSlowStubborn(true));
    afterAll(() => fx.setSlowStubborn(false));

    /** Starts a build of the stubborn task and waits until its processes exist. */
    async function startStubborn(
      using: BuildRunner,
      deployId: string,
      options: { timeoutMs: number; signal?: AbortSignal },
    ): Promise<{ running: Promise<BuildResult>; sid: number; run: { pid: number; childPid: number } }> {
      fx.setSlowDelay(60_000);
      const before = fx.slowRuns().length;
      let sid = 0;
      const running = using.run({
        deployId,
        filters: ["@fx/slow"],
        logPath: logPath(),
        ...options,
        onSpawn: (pid) => (sid = pid),
      });
      await expect.poll(() => fx.slowRuns().length, { timeout: 15_000 }).toBe(before + 1);
      const run = fx.slowRuns()[before]!;
      // turbo leads a session of its own; its task runs in a process group of its own in it.
      const members = sessionProcesses(sid).map((proc) => proc.pid);
      expect(members).toContain(sid);
      expect(members).toContain(run.pid);
      expect(members).toContain(run.childPid);
      return { running, sid, run };
    }

    // No grace: turbo is killed before it can stop its own tasks, as when it hangs.
    const hasty = (): BuildRunner =>
      new BuildRunner({ turboBin: TURBO_BIN, workspaceDir: fx.dir, env: process.env, killGraceMs: 0 });

    it("leaves no process of the build's session alive when turbo is killed on cancel", async () => {
      const abort = new AbortController();
      const { running, sid, run } = await startStubborn(hasty(), "d-stubborn-cancel", {
        timeoutMs: 60_000,
        signal: abort.signal,
      });
      abort.abort();
      const result = await running;
      expect(result.outcome).toBe("cancelled");
      expect(result.exitCode).toBeNull();
      expect(sessionProcesses(sid)).toEqual([]);
      expect(processAlive(run.pid)).toBe(false);
      expect(processAlive(run.childPid)).toBe(false);
    });

    it("leaves no process of the build's session alive when turbo is killed on timeout", async () => {
      // Long enough for turbo to reach the task on a loaded machine: the timeout must hit a running task.
      const { running, sid, run } = await startStubborn(hasty(), "d-stubborn-timeout", { timeoutMs: 10_000 });
      const result = await running;
      expect(result.outcome).toBe("timed_out");
      expect(result.exitCode).toBeNull();
      expect(sessionProcesses(sid)).toEqual([]);
      expect(processAlive(run.childPid)).toBe(false);
    });

    it("stops what turbo leaves behind when turbo itself is killed from outside", async () => {
      const { running, sid, run } = await startStubborn(runner, "d-stubborn-kill9", { timeoutMs: 60_000 });
      // SIGKILL to turbo's own process group (the wrapper and the binary): its tasks live on.
      process.kill(-sid, "SIGKILL");
      const result = await running;
      expect(result.outcome).toBe("failed");
      expect(sessionProcesses(sid)).toEqual([]);
      expect(processAlive(run.pid)).toBe(false);
      expect(processAlive(run.childPid)).toBe(false);
    });
  });
});
