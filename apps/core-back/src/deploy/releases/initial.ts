import { join } from "node:path";
import type { ReleaseManifest } from "@app-building/types";
import { BuildRunner } from "../runner.js";
import { snapshotWorkspace } from "./snapshot.js";
import type { ReleaseStore } from "./store.js";

/** What the first release is built from. */
export interface InitialReleaseOptions {
  store: ReleaseStore;
  workspaceDir: string;
  turboBin: string;
  cacheDir: string;
  filters: readonly string[];
  env: Record<string, string | undefined>;
  logDir: string;
  timeoutMs: number;
}

/**
 * Makes sure a known-good release is live: when none is, snapshots the checkout, builds
 * it like a deploy would and makes it live (the services are not running yet: `npm start`
 * checks their health next). A release that fails to build never becomes live.
 *
 * @returns the live release and whether it was made now.
 * @throws {Error} with the build's error summary when the build fails.
 */
export async function ensureInitialRelease(
  options: InitialReleaseOptions,
): Promise<{ release: ReleaseManifest; created: boolean }> {
  const { store } = options;
  const live = store.currentId();
  const liveManifest = live === null ? undefined : store.get(live);
  if (liveManifest !== undefined && (liveManifest.state === "good" || liveManifest.state === "candidate")) {
    return { release: liveManifest, created: false };
  }
  const release = store.create(null);
  const dir = store.pathOf(release.id);
  const { digest } = await snapshotWorkspace({
    workspaceDir: options.workspaceDir,
    releaseDir: dir,
    env: options.env,
    objectStore: store.objectStore,
  });
  const runner = new BuildRunner({
    turboBin: options.turboBin,
    workspaceDir: dir,
    env: options.env,
    killGraceMs: 5_000,
    cacheDir: options.cacheDir,
  });
  const result = await runner.run({
    deployId: `initial-${release.id}`,
    filters: options.filters,
    logPath: join(options.logDir, `release-${release.id}.log`),
    timeoutMs: options.timeoutMs,
    dir,
  });
  if (result.outcome !== "ok") {
    store.update(release.id, { state: "failed" });
    throw new Error(`the first release (${release.id}) did not build: ${result.errorSummary ?? result.outcome}`);
  }
  store.update(release.id, { state: "good", sizeBytes: store.measure(release.id) });
  store.recordBuildKey(release.id, { digest, filters: options.filters });
  store.switchTo(release.id);
  store.prune();
  return { release: store.get(release.id) ?? release, created: true };
}
