import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Logger } from "pino";
import type { DeployRecord, DeployRepository } from "./repository.js";
import { appendLogLine } from "./runner.js";
import type { ReleaseOptions } from "./service-types.js";

/** What the self-restart watcher leaves in a release it gated (`<release>/watch.json`). */
export interface WatchOutcome {
  ok: boolean;
  reason: string | null;
  /** The release live after the watcher finished. */
  live: string | null;
}

/** The file the watcher writes its outcome to. */
export function watchFile(releaseDir: string): string {
  return join(releaseDir, "watch.json");
}

/** Records the watcher's outcome. */
export function writeWatchOutcome(releaseDir: string, outcome: WatchOutcome): void {
  writeFileSync(watchFile(releaseDir), `${JSON.stringify(outcome)}\n`);
}

function readWatchOutcome(releaseDir: string): WatchOutcome | undefined {
  const path = watchFile(releaseDir);
  if (!existsSync(path)) return undefined;
  try {
    return JSON.parse(readFileSync(path, "utf8")) as WatchOutcome;
  } catch {
    return undefined;
  }
}

/**
 * Boot recovery for releases. A promotion or rollback a crash cut short (a deploy left
 * `restarting`) goes back to the last good release (the live one if it is known-good),
 * whose services are restarted and gated; the interrupted row says so. A self-restart the
 * watcher rolled back turns its `ok` row into `rolled_back`, with the watcher's reason.
 */
export async function recoverReleases(options: {
  releases: ReleaseOptions;
  repository: DeployRepository;
  interrupted: readonly DeployRecord[];
  programs: readonly string[];
  logger: Logger;
}): Promise<void> {
  const { releases, repository, interrupted, programs, logger } = options;
  const { store, promotion } = releases;
  for (const row of repository.list(10).items) {
    if (!row.selfRestart || row.status !== "ok" || row.builtRelease === null) continue;
    const outcome = readWatchOutcome(store.pathOf(row.builtRelease));
    if (outcome === undefined || outcome.ok) continue;
    repository.update(row.id, {
      status: "rolled_back",
      phase: "health",
      release: outcome.live,
      errorSummary: `${outcome.reason ?? "core-back failed its gate after restarting itself"}\nthe watcher rolled back: release ${outcome.live ?? "(none)"} is live`,
    });
    appendLogLine(row.logPath, `the self-restart watcher rolled this deploy back: ${outcome.reason ?? ""}`);
  }
  // Only a deploy cut short while it promoted or rolled back can have left services on a
  // release that never passed its gate (a build cut short never moved the pointer).
  const promoting = interrupted.filter((row) => row.status === "restarting");
  if (promoting.length === 0) return;
  const current = store.currentId();
  const before = promoting[promoting.length - 1]?.release ?? null;
  const target =
    current !== null && store.stateOf(current) === "good"
      ? store.get(current)
      : before !== null && store.stateOf(before) === "good"
        ? store.get(before)
        : store.lastGood(current ?? undefined);
  if (target === undefined) {
    logger.error({ release: current }, "a promotion was cut short and there is no good release to go back to");
    return;
  }
  if (current !== null && current !== target.id) store.update(current, { state: "failed" });
  logger.warn(
    { from: current, to: target.id },
    "a promotion was cut short: restarting the services on the last good release",
  );
  const failure = await promotion.switchBack(
    target.id,
    programs,
    promoting[promoting.length - 1]?.logPath ?? join(store.dir, "recovery.log"),
  );
  for (const row of promoting) {
    const built = row.builtRelease ?? "(none)";
    repository.update(row.id, {
      release: store.currentId(),
      errorSummary:
        failure === null
          ? `core-back stopped while this deploy was promoting release ${built}: it never passed its gate, so release ${target.id} is live again and its services answered from it; deploy again`
          : `core-back stopped while this deploy was promoting release ${built}, and going back to release ${target.id} failed: ${failure}`,
    });
    appendLogLine(
      row.logPath,
      failure === null ? `recovered: rolled back to release ${target.id}` : `recovery failed: ${failure}`,
    );
  }
}
