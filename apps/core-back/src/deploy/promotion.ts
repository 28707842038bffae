import type { ServiceCheck } from "@app-building/types";
import { bootCheck } from "./boot-check.js";
import { gateService, type ProcessState } from "./gate.js";
import type { ReleaseStore } from "./releases/store.js";
import { appendLogLine } from "./runner.js";

/** The supervisord calls promotion needs (the real `SupervisorClient`). */
export interface ProcessControl {
  /** Stops then starts a program without waiting; returns its log offsets before the start. */
  launch(program: string): Promise<{ stdout: number; stderr: number } | undefined>;
  getProcessInfo(program: string): Promise<ProcessState>;
  outputTail(program: string, since?: { stdout: number; stderr: number }): Promise<string>;
}

/** What promotion needs. */
export interface PromotionOptions {
  releases: ReleaseStore;
  control: ProcessControl;
  /** Each service's check, from the build-scope definition. */
  checks: Readonly<Record<string, ServiceCheck>>;
  /** Each service's base URL (`console` → `http://127.0.0.1:4001`). */
  urls: Readonly<Record<string, string>>;
  /** core-back's program name: its part of a release is boot-checked before promotion. */
  selfProgram: string;
  /**
   * core-back's entry in a release (`apps/core-back/dist/main.js`), booted on a spare
   * port before promotion; null only where no core-back is built (test workspaces).
   */
  bootEntry: string | null;
  /** The environment a boot check runs with. */
  env: Record<string, string | undefined>;
  pollMs?: number;
}

/** How a promotion ended. */
export type PromotionOutcome =
  | { status: "ok"; release: string }
  | {
      status: "rolled_back" | "error";
      phase: "boot_check" | "restart" | "health" | "rollback";
      release: string | null;
      errorSummary: string;
    };

/**
 * Moves services onto a built release: boot-checks core-back's part on a spare port,
 * switches the `current` pointer, restarts each service and health-gates it. When a
 * service fails its gate, switches back to the previous release, restarts what was
 * restarted, and gates that too: the platform rolls back by itself.
 */
export class Promotion {
  constructor(private readonly options: PromotionOptions) {}

  /** Boot-checks core-back of `releaseId`; the failure reason, or null when it booted. */
  async bootCheck(releaseId: string, logPath: string, signal?: AbortSignal): Promise<string | null> {
    const { releases, checks, selfProgram, env, bootEntry } = this.options;
    if (bootEntry === null) return null;
    const check = checks[selfProgram];
    appendLogLine(logPath, `boot-checking ${selfProgram} of release ${releaseId} on a spare port`);
    const result = await bootCheck({
      releaseDir: releases.pathOf(releaseId),
      releaseId,
      entry: bootEntry,
      healthPath: check?.healthPath ?? "/health",
      timeoutMs: check?.startTimeoutMs ?? 20_000,
      env,
      signal,
    });
    if (result.ok) {
      appendLogLine(logPath, `${selfProgram} of release ${releaseId} booted and answered in ${result.durationMs} ms`);
      return null;
    }
    appendLogLine(logPath, `boot check failed: ${result.reason}\n${result.output}`);
    const output = result.output.trim() === "" ? "" : `\n${selfProgram} output:\n${result.output.trim()}`;
    return `${result.reason}; release ${releaseId} was not promoted${output}`;
  }

  /**
   * Makes `releaseId` live and gates `programs` on it, in order; rolls back on failure.
   * The pointer moves before the first restart, so a crash or an autorestart meanwhile
   * runs the new, built, release; recovery at boot handles a promotion cut short.
   */
  async promote(
    releaseId: string,
    programs: readonly string[],
    logPath: string,
    signal?: AbortSignal,
  ): Promise<PromotionOutcome> {
    const { releases } = this.options;
    const was = releases.currentId();
    const previous = releases.rollbackTarget(releaseId);
    releases.update(releaseId, { state: "candidate" });
    releases.switchTo(releaseId);
    appendLogLine(
      logPath,
      `release ${releaseId} is live (was ${was ?? "none"}; a rollback goes to ${previous ?? "none"})`,
    );
    const restarted: string[] = [];
    for (const program of programs) {
      restarted.push(program);
      const failure = await this.restartAndGate(program, releaseId, logPath, signal);
      if (failure === null) continue;
      releases.update(releaseId, { state: "failed" });
      if (previous === null) {
        return {
          status: "error",
          phase: failure.phase,
          release: releaseId,
          errorSummary: `${failure.summary}; no earlier release to roll back to`,
        };
      }
      appendLogLine(logPath, `rolling back to release ${previous}`);
      const rollback = await this.switchBack(previous, restarted, logPath);
      if (rollback !== null) {
        return {
          status: "error",
          phase: "rollback",
          release: releases.currentId(),
          errorSummary: `${failure.summary}\nrolling back to release ${previous} failed too: ${rollback}`,
        };
      }
      return {
        status: "rolled_back",
        phase: failure.phase,
        release: previous,
        errorSummary: `${failure.summary}\nrolled back: release ${previous} is live again and ${restarted.join(", ")} answered from it`,
      };
    }
    return { status: "ok", release: releaseId };
  }

  /**
   * Switches to a known-good release and restarts and gates `programs` on it: a
   * rollback. The reason it failed, or null.
   */
  async switchBack(target: string, programs: readonly string[], logPath: string): Promise<string | null> {
    this.options.releases.switchTo(target);
    for (const program of programs) {
      const failure = await this.restartAndGate(program, target, logPath);
      if (failure !== null) return failure.summary;
    }
    return null;
  }

  private async restartAndGate(
    program: string,
    release: string,
    logPath: string,
    signal?: AbortSignal,
  ): Promise<{ phase: "restart" | "health"; summary: string } | null> {
    const { control, checks, urls } = this.options;
    const check = checks[program];
    const url = urls[program];
    if (check === undefined || url === undefined) {
      return { phase: "restart", summary: `${program} has no health check or URL configured: it cannot be gated` };
    }
    const startedAt = Date.now();
    appendLogLine(logPath, `restarting ${program} on release ${release}`);
    let offsets: { stdout: number; stderr: number } | undefined;
    try {
      offsets = await control.launch(program);
    } catch (error) {
      const output = await control.outputTail(program).catch(() => "");
      return {
        phase: "restart",
        summary: `${program} did not restart: ${(error as Error).message}${quote(program, output)}`,
      };
    }
    const result = await gateService({
      program,
      baseUrl: url,
      check,
      release,
      processState: () => control.getProcessInfo(program),
      startedAt,
      signal,
      pollMs: this.options.pollMs,
    });
    if (result.ok) {
      appendLogLine(
        logPath,
        `${program} answered from release ${release} after ${result.healthyAfterMs} ms and stayed healthy ${check.settleMs} ms`,
      );
      return null;
    }
    const output = await control.outputTail(program, offsets).catch(() => "");
    appendLogLine(logPath, `${program} failed its gate: ${result.reason}`);
    return { phase: "health", summary: `${result.reason}${quote(program, output)}`.slice(0, 6000) };
  }
}

function quote(program: string, output: string): string {
  return output.trim() === "" ? "" : `\n${program} output (this start only):\n${output.trim().slice(-3000)}`;
}
