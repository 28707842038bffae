import { turboFilterArgs } from "@app-building/types";
import { spawnGroup, terminate } from "@app-building/types/process";
import type { ChildProcess } from "node:child_process";
import { appendFileSync, closeSync, mkdirSync, openSync, rmSync, writeSync } from "node:fs";
import { dirname } from "node:path";
import { fallbackSummary, findSummaryPath, readRunSummary, summarizeFailedRun } from "./error-summary.js";
import { readLogTail } from "./log-tail.js";

/** What a build is asked to do. */
export interface BuildRequest {
  deployId: string;
  /** turbo filters, e.g. `["@app-building/core-back..."]`. */
  filters: readonly string[];
  /** The deploy's log file; created, appended to. */
  logPath: string;
  timeoutMs: number;
  /** Aborting cancels the build: every process of its session is stopped. */
  signal?: AbortSignal;
  /** Where to build (a release directory); the runner's workspace when not given. */
  dir?: string;
  /** Called once the build's session exists, with its id (turbo's pid, its leader). */
  onSpawn?: (sid: number) => void;
}

/** How a build ended, as fields rather than a message (execa's `ExecaError` style). */
export interface BuildResult {
  outcome: "ok" | "failed" | "timed_out" | "cancelled";
  /**
   * turbo's exit code; `null` when it never ran or was stopped by a signal (a cancel or a
   * timeout: turbo then exits 0 after stopping its tasks, which is not the build's result).
   */
  exitCode: number | null;
  /** The signal that ended turbo, or the one sent to stop it. */
  signal: string | null;
  durationMs: number;
  /** What went wrong, for a caller to act on; `null` when the build succeeded. */
  errorSummary: string | null;
}

/** How turbo's process ended: with a code or a signal, or it never started. */
type Ending = { exitCode: number | null; signal: NodeJS.Signals | null } | { error: Error };

/** Where and how to run turbo. */
export interface BuildRunnerOptions {
  /** The turbo binary (the workspace's `node_modules/.bin/turbo`). */
  turboBin: string;
  /** The workspace root turbo runs in. */
  workspaceDir: string;
  /**
   * turbo's cache folder, shared by every release so a package unchanged since the last
   * deploy is replayed rather than rebuilt; turbo's default (`.turbo/cache` in the
   * directory it builds) when not given.
   */
  cacheDir?: string;
  /** The environment the build sees. */
  env: Readonly<Record<string, string | undefined>>;
  /** How long SIGTERM has before SIGKILL. */
  killGraceMs: number;
}

/** Appends one `[core-back]` line to a deploy log. */
export function appendLogLine(logPath: string, line: string): void {
  mkdirSync(dirname(logPath), { recursive: true });
  appendFileSync(logPath, `[core-back] ${line}\n`);
}

/**
 * Runs `turbo run build` for a set of filters: the binary directly with an args array,
 * in a session of its own, output to the deploy's log file. turbo puts each task in a
 * process group of its own, so a timeout or an abort stops the whole session (and so does
 * the end of every build), so no `tsc` or `node` outlives the build, even when turbo
 * itself was killed before it could stop its tasks.
 */
export class BuildRunner {
  constructor(private readonly options: BuildRunnerOptions) {}

  /** The turbo arguments for a set of filters. */
  args(filters: readonly string[]): string[] {
    const cache = this.options.cacheDir === undefined ? [] : [`--cache-dir=${this.options.cacheDir}`];
    return ["run", "build", "--ui=stream", "--summarize", ...cache, ...turboFilterArgs(filters)];
  }

  /** Runs one build to its end; never throws for a failing build, only reports it. */
  async run(request: BuildRequest): Promise<BuildResult> {
    const { turboBin, killGraceMs } = this.options;
    const workspaceDir = request.dir ?? this.options.workspaceDir;
    const args = this.args(request.filters);
    const started = Date.now();
    appendLogLine(request.logPath, `deploy ${request.deployId}: ${turboBin} ${args.join(" ")} (in ${workspaceDir})`);
    if (request.signal?.aborted === true) return this.finish(request, started, "cancelled", null, null);

    const fd = openSync(request.logPath, "a");
    const turbo = this.spawn(args, fd, workspaceDir);
    // turbo leads a session of its own: its pid is the session id.
    const sid = turbo.pid;
    if (sid !== undefined) request.onSpawn?.(sid);

    let stopReason: "timed_out" | "cancelled" | undefined;
    let stopping: Promise<boolean> | undefined;
    const stopSession = (): Promise<boolean> =>
      sid === undefined ? Promise.resolve(true) : terminate({ session: sid }, { graceMs: killGraceMs });
    const stop = (reason: "timed_out" | "cancelled"): void => {
      if (stopReason !== undefined || sid === undefined) return;
      stopReason = reason;
      appendLogLine(
        request.logPath,
        reason === "timed_out"
          ? `build passed its ${request.timeoutMs} ms timeout: stopping it`
          : "build cancelled: stopping it",
      );
      stopping = stopSession();
    };
    const timer = setTimeout(() => stop("timed_out"), request.timeoutMs);
    const onAbort = (): void => stop("cancelled");
    request.signal?.addEventListener("abort", onAbort, { once: true });

    try {
      const ending = await turbo.ended;
      // Whatever the ending, nothing of the session may outlive the build.
      await (stopping ?? stopSession());
      if ("error" in ending) {
        const reason = ending.error.message;
        writeSync(fd, `[core-back] turbo did not run: ${reason}\n`);
        return this.finish(
          request,
          started,
          "failed",
          null,
          null,
          `turbo did not run (${turboBin} in ${workspaceDir}): ${reason}`,
        );
      }
      // A build we stopped has no exit code of its own, whatever turbo exited with.
      const exitCode = stopReason === undefined ? ending.exitCode : null;
      const signal = ending.signal ?? (stopReason === undefined ? null : "SIGTERM");
      if (stopReason !== undefined) return this.finish(request, started, stopReason, exitCode, signal);
      return this.finish(request, started, exitCode === 0 ? "ok" : "failed", exitCode, signal);
    } finally {
      clearTimeout(timer);
      request.signal?.removeEventListener("abort", onAbort);
      closeSync(fd);
    }
  }

  /**
   * Starts turbo in a session of its own, its output straight to the log's file
   * descriptor, with only the configured environment. A turbo that cannot start (no
   * binary, no directory) is an ending too, not a throw.
   */
  private spawn(args: string[], fd: number, workspaceDir: string): { pid: number | undefined; ended: Promise<Ending> } {
    const { turboBin, env } = this.options;
    let child: ChildProcess;
    try {
      child = spawnGroup(turboBin, args, {
        cwd: workspaceDir,
        env: { ...env, TURBO_NO_UPDATE_NOTIFIER: "1", TURBO_TELEMETRY_DISABLED: "1", DO_NOT_TRACK: "1" },
        stdio: ["ignore", fd, fd],
      });
    } catch (error) {
      return { pid: undefined, ended: Promise.resolve({ error: error as Error }) };
    }
    const ended = new Promise<Ending>((resolve) => {
      // A failed start has no pid; its "error" comes before the "close" that follows it.
      child.on("error", (error) => {
        if (child.pid === undefined) resolve({ error });
      });
      child.once("close", (exitCode, signal) => resolve({ exitCode, signal }));
    });
    return { pid: child.pid, ended };
  }

  private finish(
    request: BuildRequest,
    started: number,
    outcome: BuildResult["outcome"],
    exitCode: number | null,
    signal: string | null,
    summary?: string,
  ): BuildResult {
    const durationMs = Date.now() - started;
    appendLogLine(
      request.logPath,
      `build ${outcome} (exit ${exitCode ?? "none"}${signal === null ? "" : `, ${signal}`}) in ${durationMs} ms`,
    );
    let errorSummary: string | null = null;
    const dir = request.dir ?? this.options.workspaceDir;
    if (outcome === "ok") {
      this.discardRunSummary(request.logPath, dir);
    } else if (outcome === "timed_out") {
      errorSummary = `the build passed its ${Math.round(request.timeoutMs / 1000)} s timeout and was stopped; the log tail shows where it was`;
    } else if (outcome === "cancelled") {
      errorSummary = "the deploy was cancelled and its build stopped";
    } else if (outcome === "failed") {
      errorSummary = summary ?? this.summarize(request.logPath, exitCode, dir);
    }
    return { outcome, exitCode, signal, durationMs, errorSummary };
  }

  /** turbo writes a run summary for every run; a successful one is not needed. */
  private discardRunSummary(logPath: string, dir: string): void {
    const summaryPath = findSummaryPath(readLogTail(logPath, 16 * 1024), dir);
    if (summaryPath !== undefined) rmSync(summaryPath, { force: true });
  }

  private summarize(logPath: string, exitCode: number | null, dir: string): string {
    const tail = readLogTail(logPath, 64 * 1024);
    const summaryPath = findSummaryPath(tail, dir);
    if (summaryPath !== undefined) {
      const summary = readRunSummary(summaryPath);
      rmSync(summaryPath, { force: true });
      const text = summary === undefined ? undefined : summarizeFailedRun(summary, dir, exitCode);
      if (text !== undefined) return text;
    }
    return fallbackSummary(readLogTail(logPath, 8 * 1024), exitCode);
  }
}
