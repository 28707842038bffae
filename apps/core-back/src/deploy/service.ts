import { EventEmitter } from "node:events";
import { randomUUID } from "node:crypto";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import type { BuildScope, Deploy, DeployMode, DeployStatus, ReleaseList } from "@app-building/types";
import { isTerminalStatus } from "@app-building/types";
import {
  BuildInProgressError,
  DeployFinishedError,
  DeployNotFoundError,
  ReleaseNotFoundError,
  ReleaseNotPromotableError,
  ReleasesUnavailableError,
  ShuttingDownError,
} from "../errors.js";
import { runReleaseDeploy, runRollback } from "./release-deploy.js";
import { runWorkspaceDeploy } from "./workspace-deploy.js";
import { recoverAtBoot } from "./boot-recovery.js";
import type { DeployPage, DeployPatch, DeployRecord } from "./repository.js";
import { followLogFile, readLogFile } from "./log-reader.js";
import { readLogTail } from "./log-tail.js";
import { appendLogLine } from "./runner.js";
import { scheduleSelfRestart } from "./self-restart-schedule.js";
import { SettleWindow } from "./settle-window.js";
import { waitForDone } from "./wait-for-done.js";

export type {
  Builder,
  DeployEvents,
  DeployServiceOptions,
  Restarter,
  RestartFailure,
  StartDeployInput,
  StartDeployResult,
} from "./service-types.js";
import type {
  DeployEnd,
  DeployEvents,
  DeployServiceOptions,
  StartDeployInput,
  StartDeployResult,
} from "./service-types.js";

const SCOPE_WIDTH: Record<BuildScope, number> = { platform: 0, all: 1 };

/**
 * The deploy module: starts, coalesces, runs, restarts and records deploys.
 *
 * Coalescing: at most one deploy runs and one waits. A request joins the waiting
 * deploy (creating it if there is none), never the running one, because a build that
 * already started may not contain the caller's latest edits. The check and the claim
 * happen synchronously, before any `await`, so two requests can never both create a
 * waiting deploy. When nothing runs, a waiting deploy builds once no request joined it
 * for `settleMs` (at most `maxSettleMs` after its first request), so a burst of
 * near-simultaneous requests shares one build while a lone request barely waits; the
 * window counts only time the server could hear requests in (see {@link SettleWindow}).
 */
export class DeployService extends EventEmitter<DeployEvents> {
  private running: { id: string; abort: AbortController } | undefined;
  private pending: { id: string; firstAt: number } | undefined;
  private readonly window: SettleWindow;
  private selfRestartPending = false;
  private closed = false;
  private runningDone: Promise<void> = Promise.resolve();

  constructor(private readonly options: DeployServiceOptions) {
    super();
    this.setMaxListeners(0);
    this.window = new SettleWindow(options, () => this.promote());
  }

  /**
   * Boot recovery: deploys a crash left live become `interrupted`, and a build they
   * left running (every process of its session) is stopped.
   *
   * @returns the recovered deploys.
   */
  async recover(): Promise<DeployRecord[]> {
    return recoverAtBoot(this.options);
  }

  /**
   * Queues a deploy, or joins the one already waiting. Synchronous: the lock is taken
   * before anything else can run.
   */
  start(input: StartDeployInput): StartDeployResult {
    if (this.closed) throw new ShuttingDownError();
    const { repository } = this.options;
    if (this.pending !== undefined) {
      let deploy = repository.get(this.pending.id);
      if (deploy === undefined) throw new Error(`the waiting deploy ${this.pending.id} is missing`);
      if (SCOPE_WIDTH[input.scope] > SCOPE_WIDTH[deploy.scope]) {
        // The waiting build widens to cover every caller that joined it.
        deploy = repository.update(deploy.id, {
          scope: input.scope,
          filters: [...this.options.scopes.scopes[input.scope].filters],
        });
      }
      if (this.running === undefined) this.settle();
      return { deploy, joined: true };
    }
    const id = randomUUID();
    const deploy = repository.insert({
      id,
      scope: input.scope,
      filters: [...this.options.scopes.scopes[input.scope].filters],
      requestedBy: input.requestedBy,
      sessionId: input.sessionId,
      logPath: join(this.options.logDir, `${id}.log`),
      createdAt: new Date().toISOString(),
    });
    appendLogLine(
      deploy.logPath,
      `deploy ${id} queued: scope ${input.scope}, requested by ${input.requestedBy ?? "self-deploy"}`,
    );
    this.pending = { id, firstAt: performance.now() };
    if (this.running === undefined) this.settle();
    return { deploy, joined: false };
  }

  /**
   * Like {@link start}, but refuses while a build runs (`?wait=false` callers do not queue).
   *
   * @throws {BuildInProgressError} with the running deploy's id.
   */
  startIfIdle(input: StartDeployInput): StartDeployResult {
    if (this.running !== undefined) throw new BuildInProgressError(this.running.id);
    return this.start(input);
  }

  /** The running deploy's id, if one builds now. */
  runningId(): string | undefined {
    return this.running?.id;
  }

  /** The releases on disk, newest first. @throws {ReleasesUnavailableError} without releases. */
  listReleases(): ReleaseList {
    const store = this.options.releases?.store;
    if (store === undefined) throw new ReleasesUnavailableError();
    return { items: store.list(), live: store.currentId() };
  }

  /**
   * An admin's rollback: makes a known-good release live, restarts and gates every
   * service on it, recorded as a deploy row (`action: "rollback"`) on the deploy list.
   *
   * @throws {ReleasesUnavailableError} @throws {ReleaseNotFoundError} @throws {ReleaseNotPromotableError}
   * @throws {BuildInProgressError} while a deploy builds or promotes.
   */
  async rollback(releaseId: string, by: string | null): Promise<DeployRecord> {
    const releases = this.options.releases;
    if (releases === undefined) throw new ReleasesUnavailableError();
    const target = releases.store.get(releaseId);
    if (target === undefined) throw new ReleaseNotFoundError(releaseId);
    if (target.state !== "good") throw new ReleaseNotPromotableError(releaseId, target.state);
    if (this.running !== undefined) throw new BuildInProgressError(this.running.id);
    if (this.closed) throw new ShuttingDownError();
    const id = randomUUID();
    const row = this.options.repository.insert({
      id,
      scope: "all",
      filters: [],
      requestedBy: by,
      sessionId: null,
      logPath: join(this.options.logDir, `${id}.log`),
      createdAt: new Date().toISOString(),
      action: "rollback",
    });
    this.running = { id, abort: new AbortController() };
    let done: () => void = () => undefined;
    this.runningDone = new Promise((resolve) => (done = resolve));
    try {
      this.options.repository.update(id, {
        status: "restarting",
        phase: "rollback",
        startedAt: new Date().toISOString(),
        builtRelease: releaseId,
      });
      const end = await runRollback(
        releases,
        row,
        releaseId,
        this.options.scopes.scopes.all.restart,
        this.options.selfProgram,
      );
      return this.conclude(row, end);
    } finally {
      this.running = undefined;
      done();
      if (this.pending !== undefined) this.window.dueIn(0);
    }
  }

  /** The waiting deploy's id, if one waits. */
  pendingId(): string | undefined {
    return this.pending?.id;
  }

  /** One deploy, or `undefined`. */
  get(id: string): DeployRecord | undefined {
    return this.options.repository.get(id);
  }

  /** A page of deploys, newest first. */
  list(limit: number, cursor?: string): DeployPage {
    return this.options.repository.list(limit, cursor);
  }

  /** A deploy's log as it is now, chunk by chunk. @throws {DeployNotFoundError} */
  readLog(id: string): AsyncIterable<Buffer> {
    return readLogFile(this.logPath(id));
  }

  /** A deploy's log as it grows, until it ends or `signal` aborts. @throws {DeployNotFoundError} */
  followLog(id: string, signal?: AbortSignal): AsyncIterable<Buffer> {
    return followLogFile(this.logPath(id), id, this, { signal });
  }

  /** The last 8 KB of a deploy's log, cut on UTF-8 boundaries. @throws {DeployNotFoundError} */
  readLogTail(id: string): string {
    return readLogTail(this.logPath(id));
  }

  private logPath(id: string): string {
    const path = this.options.repository.getLogPath(id);
    if (path === undefined) throw new DeployNotFoundError(id);
    return path;
  }

  /** The deploy mode: stored, or the configured default. */
  getMode(): DeployMode {
    return this.options.repository.getMode() ?? this.options.defaultMode;
  }

  /** Stores the deploy mode. */
  setMode(mode: DeployMode): DeployMode {
    this.options.repository.setMode(mode);
    this.options.logger.info({ mode }, "deploy mode changed");
    return mode;
  }

  /**
   * Resolves with the deploy once it is terminal (see {@link waitForDone}).
   *
   * @throws {DeployNotFoundError} @throws {DeployWaitTimeoutError}
   */
  waitForDone(id: string, timeoutMs: number, signal?: AbortSignal): Promise<DeployRecord> {
    return waitForDone(this, this.options.repository, id, timeoutMs, signal);
  }

  /**
   * Cancels a waiting or running deploy; every process of a running build's session is
   * stopped. Resolves with the deploy once it has ended.
   *
   * @throws {DeployNotFoundError} for an unknown id.
   * @throws {DeployFinishedError} for a deploy that already ended.
   */
  async cancel(id: string, by: string | null): Promise<DeployRecord> {
    const row = this.options.repository.get(id);
    if (row === undefined) throw new DeployNotFoundError(id);
    if (isTerminalStatus(row.status)) throw new DeployFinishedError(id, row.status);
    if (this.pending?.id === id) {
      this.pending = undefined;
      appendLogLine(row.logPath, `cancelled by ${by ?? "a caller"} before it started`);
      return this.finish(id, "cancelled", { errorSummary: "the deploy was cancelled before it started" });
    }
    if (this.running?.id === id) {
      appendLogLine(row.logPath, `cancel requested by ${by ?? "a caller"}`);
      this.running.abort.abort();
      return this.waitForDone(id, this.options.cancelWaitMs);
    }
    return row;
  }

  /**
   * Stops taking deploys: a waiting deploy and a running build end `interrupted` (the
   * build's session is stopped). Resolves once nothing runs.
   */
  async shutdown(): Promise<void> {
    this.stopAccepting();
    this.running?.abort.abort();
    await this.runningDone;
  }

  /**
   * The first step of a shutdown: takes no new deploys and ends the waiting one
   * `interrupted` (it would never start), so its callers get an answer at once. A
   * running build goes on; {@link shutdown} stops it.
   */
  stopAccepting(): void {
    this.closed = true;
    this.window.clear();
    if (this.pending !== undefined) {
      const { id } = this.pending;
      this.pending = undefined;
      this.finish(id, "interrupted", { errorSummary: "core-back shut down before this deploy started; deploy again" });
    }
  }

  /** (Re)starts the settle window of the waiting deploy: a request just joined it. */
  private settle(): void {
    if (this.pending !== undefined) this.window.restart(this.pending.firstAt);
  }

  /** Moves the waiting deploy to running, synchronously, so later requests queue a new one. */
  private promote(): void {
    if (this.running !== undefined || this.pending === undefined || this.closed || this.selfRestartPending) return;
    const { id } = this.pending;
    this.pending = undefined;
    const abort = new AbortController();
    this.running = { id, abort };
    this.runningDone = this.execute(id, abort.signal).finally(() => {
      this.running = undefined;
      if (this.pending !== undefined) this.window.dueIn(0);
    });
  }

  private async execute(id: string, signal: AbortSignal): Promise<void> {
    const { repository, logger, releases } = this.options;
    try {
      const row = repository.update(id, { status: "building", phase: "build", startedAt: new Date().toISOString() });
      this.emit("started", row);
      logger.info({ deployId: id, scope: row.scope }, "deploy building");
      const common = {
        builder: this.options.builder,
        buildTimeoutMs: this.options.buildTimeoutMs,
        selfProgram: this.options.selfProgram,
        update: (patch: DeployPatch) => repository.update(id, patch),
      };
      const programs = this.options.scopes.scopes[row.scope].restart;
      const end =
        releases === undefined
          ? await runWorkspaceDeploy({ ...common, restarter: this.options.restarter }, row, programs, signal)
          : await runReleaseDeploy({ ...common, releases }, row, programs, signal);
      this.conclude(row, end);
    } catch (error) {
      logger.error({ err: error, deployId: id }, "deploy failed unexpectedly");
      const current = repository.get(id);
      if (current !== undefined && !isTerminalStatus(current.status)) {
        this.finish(id, "error", { errorSummary: `core-back failed while deploying: ${(error as Error).message}` });
      }
    }
  }

  /** Records how a deploy ended; a self-restart runs right after the answer. */
  private conclude(row: DeployRecord, end: DeployEnd): DeployRecord {
    const status = end.status === "cancelled" && this.closed ? "interrupted" : end.status;
    const fields = { exitCode: end.exitCode, errorSummary: end.errorSummary, phase: end.phase, release: end.release };
    if (end.selfRestart === undefined) return this.finish(row.id, status, fields);
    appendLogLine(row.logPath, end.selfRestart.note);
    this.selfRestartPending = true;
    const finished = this.finish(row.id, status, { ...fields, selfRestart: true });
    this.scheduleSelfRestart(row.id, end.selfRestart.run);
    return finished;
  }

  /** After answering: restarts core-back itself; deploys queued meanwhile wait for the new process. */
  private scheduleSelfRestart(id: string, restart: () => Promise<void>): void {
    const { logger, selfProgram, selfRestartDelayMs, selfRestartWatchdogMs } = this.options;
    scheduleSelfRestart(
      { logger, selfProgram, delayMs: selfRestartDelayMs, watchdogMs: selfRestartWatchdogMs },
      id,
      restart,
      () => {
        if (!this.selfRestartPending) return;
        this.selfRestartPending = false;
        if (this.pending !== undefined && this.running === undefined) this.window.dueIn(0);
      },
    );
  }

  private finish(
    id: string,
    status: DeployStatus,
    fields: {
      exitCode?: number | null;
      errorSummary?: string | null;
      phase?: Deploy["phase"];
      selfRestart?: boolean;
      release?: string | null;
    },
  ): DeployRecord {
    const { repository } = this.options;
    const before = repository.get(id);
    const endedAt = new Date();
    const startedMs = before?.startedAt == null ? null : Date.parse(before.startedAt);
    const row = repository.update(id, {
      status,
      endedAt: endedAt.toISOString(),
      durationMs: startedMs === null ? null : Math.max(0, endedAt.getTime() - startedMs),
      exitCode: fields.exitCode ?? null,
      errorSummary: status === "ok" ? null : (fields.errorSummary ?? null),
      phase: fields.phase ?? (status === "ok" ? "done" : (before?.phase ?? "queue")),
      selfRestart: fields.selfRestart ?? false,
      pid: null,
      release: fields.release ?? this.options.releases?.store.currentId() ?? null,
    });
    appendLogLine(row.logPath, `deploy ${id} ended: ${status}`);
    this.options.logger.info({ deployId: id, status, durationMs: row.durationMs }, "deploy ended");
    if (status === "cancelled") this.emit("cancelled", row);
    this.emit("done", row);
    return row;
  }
}
