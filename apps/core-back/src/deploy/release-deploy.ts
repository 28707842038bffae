import type { DeployStatus } from "@app-building/types";
import type { DeployPatch, DeployRecord } from "./repository.js";
import { snapshotWorkspace } from "./releases/snapshot.js";
import { readSources, type ReadSources } from "./releases/sources.js";
import { appendLogLine } from "./runner.js";
import type { Builder, DeployEnd, ReleaseOptions } from "./service-types.js";

/** What a deploy through releases needs. */
export interface ReleaseDeployDeps {
  releases: ReleaseOptions;
  builder: Builder;
  buildTimeoutMs: number;
  selfProgram: string;
  update: (patch: DeployPatch) => DeployRecord;
}

/** A release ready to promote, or how the deploy ended before promotion. */
type Prepared = { id: string; exitCode: number | null } | DeployEnd;

/**
 * One deploy through releases: snapshot the workspace into a new release (an edit after
 * this point goes into the next deploy), build it there with turbo, boot-check core-back's
 * part, then promote it (switch, restart, gate, roll back on failure). Nothing here
 * touches the workspace's own `dist/` or what runs until the build passed. When the
 * workspace holds exactly the sources a known-good release was built from, with the same
 * filters, that release is promoted again instead: a build would make the same one.
 */
export async function runReleaseDeploy(
  deps: ReleaseDeployDeps,
  row: DeployRecord,
  programs: readonly string[],
  signal: AbortSignal,
): Promise<DeployEnd> {
  const read = await readWorkspace(deps);
  const prepared =
    (read !== null ? reusableRelease(deps, row, read.digest) : undefined) ??
    (await buildRelease(deps, row, read, signal));
  if ("status" in prepared) return prepared;
  return promoteRelease(deps, row, programs, prepared, signal);
}

/** The workspace's sources as they are now, read once; null when they cannot be read. */
async function readWorkspace(deps: ReleaseDeployDeps): Promise<ReadSources | null> {
  try {
    return await readSources(deps.releases.workspaceDir, deps.releases.env);
  } catch {
    return null; // the snapshot that follows fails with the reason
  }
}

/** A known-good release built from sources with this digest, if one is kept. */
function reusableRelease(deps: ReleaseDeployDeps, row: DeployRecord, digest: string): Prepared | undefined {
  const { store } = deps.releases;
  const reusable = store.findReusable({ digest, filters: row.filters });
  if (reusable === undefined) return undefined;
  appendLogLine(
    row.logPath,
    `release ${reusable.id} was built from exactly these sources with these filters: promoting it again, no build needed`,
  );
  deps.update({ builtRelease: reusable.id, buildEndedAt: new Date().toISOString() });
  // turbo did not run: there is no build exit code to report.
  return { id: reusable.id, exitCode: null };
}

/**
 * Snapshots the workspace into a new release (from `read` when its entries were kept),
 * builds it and boot-checks core-back's part.
 */
async function buildRelease(
  deps: ReleaseDeployDeps,
  row: DeployRecord,
  read: ReadSources | null,
  signal: AbortSignal,
): Promise<Prepared> {
  const { store, promotion, workspaceDir, env } = deps.releases;
  const live = (): string | null => store.currentId();
  const release = store.create(row.id);
  deps.update({ builtRelease: release.id });
  const dir = store.pathOf(release.id);
  let digest: string;
  try {
    const snapshot = await snapshotWorkspace({
      workspaceDir,
      releaseDir: dir,
      env,
      objectStore: store.objectStore,
      sources: read?.entries == null ? undefined : { entries: read.entries, digest: read.digest },
    });
    digest = snapshot.digest;
    appendLogLine(row.logPath, `release ${release.id}: snapshot of ${snapshot.files} files of ${workspaceDir}`);
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
  const result = await deps.builder.run({
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
  store.recordBuildKey(release.id, { digest, filters: row.filters });
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
  return { id: release.id, exitCode };
}

/** Switches to the release, restarts and gates the scope's services, rolls back on failure. */
async function promoteRelease(
  deps: ReleaseDeployDeps,
  row: DeployRecord,
  programs: readonly string[],
  release: { id: string; exitCode: number | null },
  signal: AbortSignal,
): Promise<DeployEnd> {
  const { selfProgram } = deps;
  const { store, promotion } = deps.releases;
  const { exitCode } = release;
  const previous = store.rollbackTarget(release.id);
  const others = programs.filter((program) => program !== selfProgram);
  // Until the gate passes, the live release of record is the one before: what a
  // recovery after a crash goes back to.
  deps.update({ status: "restarting", phase: "restart", release: previous });
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
      selfRestart: {
        note: `restarting ${selfProgram} (this server) on release ${release.id} right after answering; a watcher gates it and rolls back to ${previous ?? "nothing"} if it fails`,
        run: () => deps.releases.restartSelfWatched(selfProgram, release.id, previous),
      },
    };
  }
  store.update(release.id, { state: "good" });
  const pruned = store.prune();
  if (pruned.length > 0) appendLogLine(row.logPath, `pruned releases ${pruned.join(", ")}`);
  return { status: "ok", phase: "done", exitCode, errorSummary: null, release: release.id };
}

/**
 * An admin's rollback: switches to a known-good release and restarts and gates every
 * service on it; core-back itself restarts after answering, under the watcher.
 */
export async function runRollback(
  releases: ReleaseOptions,
  row: DeployRecord,
  target: string,
  programs: readonly string[],
  selfProgram: string,
): Promise<DeployEnd> {
  const previous = releases.store.currentId();
  appendLogLine(
    row.logPath,
    `rollback to release ${target} requested by ${row.requestedBy ?? "a caller"} (live: ${previous ?? "none"})`,
  );
  const others = programs.filter((program) => program !== selfProgram);
  const failure = await releases.promotion.switchBack(target, others, row.logPath);
  if (failure !== null) {
    return {
      status: "error",
      phase: "rollback",
      exitCode: null,
      errorSummary: `rollback to ${target} failed: ${failure}`,
    };
  }
  if (!programs.includes(selfProgram))
    return { status: "ok", phase: "done", exitCode: null, errorSummary: null, release: target };
  return {
    status: "ok",
    phase: "done",
    exitCode: null,
    errorSummary: null,
    release: target,
    selfRestart: {
      note: `restarting ${selfProgram} (this server) on release ${target} right after answering`,
      run: () => releases.restartSelfWatched(selfProgram, target, previous),
    },
  };
}
