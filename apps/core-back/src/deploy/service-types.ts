import type { BuildScope, BuildScopes, Deploy, DeployMode, DeployStatus } from "@app-building/types";
import type { Logger } from "pino";
import type { DeployRecord, DeployRepository } from "./repository.js";
import type { Promotion } from "./promotion.js";
import type { ReleaseStore } from "./releases/store.js";
import type { BuildRequest, BuildResult } from "./runner.js";

/** Releases: deploys build snapshots into new releases and promote them through a gate. */
export interface ReleaseOptions {
  store: ReleaseStore;
  promotion: Promotion;
  /** The workspace the snapshots are taken of. */
  workspaceDir: string;
  env: Record<string, string | undefined>;
  /** Starts the watcher that restarts core-back itself and gates it (see `restart-self.ts`). */
  restartSelfWatched: (program: string, release: string, previous: string | null) => Promise<void>;
}

/** How a deploy (or a rollback) ends, for the service to record. */
export interface DeployEnd {
  status: DeployStatus;
  phase: Deploy["phase"];
  exitCode: number | null;
  errorSummary: string | null;
  /** The release live now; undefined without releases. */
  release?: string | null;
  /**
   * The scope restarts core-back itself: the service answers first, then runs this
   * (under a watcher when there are releases); `note` goes to the log.
   */
  selfRestart?: { note: string; run: () => Promise<void> };
}

/** Runs builds (the real {@link BuildRunner}). */
export interface Builder {
  run(request: BuildRequest): Promise<BuildResult>;
}

/** A failed restart, with the service's own output when there is one. */
export interface RestartFailure extends Error {
  outputTail?: string;
}

/** Restarts supervised programs (the real `SupervisorClient`). */
export interface Restarter {
  /** Stops then starts a program, resolving once it is up; rejects with a {@link RestartFailure}. */
  restart(program: string): Promise<void>;
  /** Asks the supervisor to stop and start this very process; the supervisor finishes it after we are gone. */
  restartSelf(program: string): Promise<void>;
}

/** Who asks for a deploy, and what. */
export interface StartDeployInput {
  scope: BuildScope;
  requestedBy: string | null;
  sessionId: string | null;
}

/** The deploy a request got, and whether it joined one already queued. */
export interface StartDeployResult {
  deploy: DeployRecord;
  joined: boolean;
}

/** Events of the deploy service. */
export interface DeployEvents {
  started: [DeployRecord];
  done: [DeployRecord];
  cancelled: [DeployRecord];
}

/** What the deploy service needs. */
export interface DeployServiceOptions {
  repository: DeployRepository;
  builder: Builder;
  /** Deploys through releases, health gates and rollback; without it, builds run in the workspace. */
  releases?: ReleaseOptions;
  /** `null` when no supervisord is configured: restarts are skipped and logged. */
  restarter: Restarter | null;
  scopes: BuildScopes;
  logDir: string;
  buildTimeoutMs: number;
  /**
   * The settle window: a waiting deploy builds once no request joined it for this long
   * (a debounce), so a burst shares one build while a lone request barely waits. Only
   * time the event loop sat idle counts: busy time is time requests could not be read.
   */
  settleMs: number;
  /** The most the settle window may last, counted from the waiting deploy's first request. */
  maxSettleMs?: number;
  defaultMode: DeployMode;
  /** core-back's own supervisord program name. */
  selfProgram: string;
  /** How long after answering core-back restarts itself. */
  selfRestartDelayMs: number;
  /**
   * How long core-back, having asked supervisord to restart it, waits to be stopped
   * before it gives up and runs the deploys queued meanwhile (default 60 s).
   */
  selfRestartWatchdogMs?: number;
  /** How long a cancelled build has to stop, before `cancel` gives up waiting. */
  cancelWaitMs: number;
  logger: Logger;
}
