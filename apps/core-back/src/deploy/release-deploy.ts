import type { Deploy, DeployStatus } from "@app-building/types";
import type { Promotion } from "./promotion.js";
import type { DeployPatch, DeployRecord } from "./repository.js";
import type { ReleaseStore } from "./releases/store.js";
import { snapshotWorkspace } from "./releases/snapshot.js";
import { appendLogLine } from "./runner.js";
import type { Builder } from "./service-types.js";

/** What a deploy through releases needs. */
export interface ReleaseDeployDeps {
  store: ReleaseStore;
  promotion: Promotion;
  builder: Builder;
  workspaceDir: string;
  env: Record<string, string | undefined>;
  buildTimeoutMs: number;
  selfProgram: string;
  update: (patch: DeployPatch) => DeployRecord;
}

/** How the deploy ends, for the service to record. */
export interface ReleaseDeployEnd {
  status: DeployStatus;
  phase: Deploy["phase"];
  exitCode: number | null;
  errorSummary: string | null;
  release: string | null;
  /** The scope restarts core-back itself: the service answers, then restarts it under a watcher. */
  selfRestart?: { releaseId: string; previous: string | null };
}

/**
 * One deploy through releases: snapshot the workspace into a new release (an edit after
 * this point goes into the next deploy), build it there with turbo, boot-check core-back's
 * part, then promote it (switch, restart, gate, roll back on failure). Nothing here
 * touches the workspace's own `dist/` or what runs until the build passed.
 */
export async function runReleaseDeploy(
  deps: ReleaseDeployDeps,
  row: DeployRecord,
  programs: readonly string[],
  signal: AbortSignal,
): Promise<ReleaseDeployEnd> {
  const { store, promotion, builder, selfProgram } = deps;
  const live = (): string | null => store.currentId();
  const release = store.create(row.id);
  deps.update({ builtRelease: release.id });
  const dir = store.pathOf(release.id);
  try {
    const { files } = await snapshotWorkspace({ workspaceDir: deps.workspaceDir, releaseDir: dir, env: deps.env });
    appendLogLine(row.logPath, `release ${release.id}: snapshot of ${files} files of ${deps.workspaceDir}`);
  } catch (error) {
    store.update(release.id, { state: "failed" });
    return {
      status: "error",
      phase: "build",
      exitCode: null,
      errorSummary: `could not snapshot the workspace: ${(error as Error).message}`,
      release: live(),
    };
  }
  const result = await builder.run({
    deployId: row.id,
    filters: row.filters,
    logPath: row.logPath,
    timeoutMs: deps.buildTimeoutMs,
    signal,
    dir,
    onSpawn: (sid) => deps.update({ pid: sid }),
  });
  deps.update({ pid: null, buildEndedAt: new Date().toISOString() });
  if (result.outcome !== "ok") {
    store.update(release.id, { state: "failed" });
    const status: DeployStatus =
      result.outcome === "timed_out" ? "timed_out" : result.outcome === "cancelled" ? "cancelled" : "error";
    return { status, phase: "build", exitCode: result.exitCode, errorSummary: result.errorSummary, release: live() };
  }
  store.update(release.id, { state: "built", sizeBytes: store.measure(release.id) });
  const exitCode = result.exitCode ?? 0;
  if (signal.aborted) {
    return {
      status: "cancelled",
      phase: "build",
      exitCode,
      errorSummary: "the deploy was cancelled after its build",
      release: live(),
    };
  }
  deps.update({ phase: "boot_check" });
  const bootFailure = await promotion.bootCheck(release.id, row.logPath, signal);
  if (bootFailure !== null) {
    store.update(release.id, { state: "failed" });
    return { status: "error", phase: "boot_check", exitCode, errorSummary: bootFailure, release: live() };
  }
  const previous = live();
  const others = programs.filter((program) => program !== selfProgram);
  deps.update({ status: "restarting", phase: "restart" });
  const outcome = await promotion.promote(release.id, others, row.logPath, signal);
  if (outcome.status !== "ok") {
    return {
      status: outcome.status,
      phase: outcome.phase,
      exitCode,
      errorSummary: outcome.errorSummary,
      release: outcome.release,
    };
  }
  if (programs.includes(selfProgram)) {
    return {
      status: "ok",
      phase: "done",
      exitCode,
      errorSummary: null,
      release: release.id,
      selfRestart: { releaseId: release.id, previous },
    };
  }
  store.update(release.id, { state: "good" });
  const pruned = store.prune();
  if (pruned.length > 0) appendLogLine(row.logPath, `pruned releases ${pruned.join(", ")}`);
  return { status: "ok", phase: "done", exitCode, errorSummary: null, release: release.id };
}
