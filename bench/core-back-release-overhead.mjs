// Snapshot + release overhead: what a deploy does before promotion (digest the
// workspace's sources; promote a known-good release built from exactly them again, or
// snapshot into a new release and build it there with turbo) against a bare turbo build
// of the same filters in the workspace itself, in the same cache state, side by side.
// States: nothing changed since the live release (every task would replay from the
// cache), the console changed (turbo rebuilds it), and, for the record, nothing changed
// but no kept release matches (a new release replays every task from turbo's cache).
// The workspace is a snapshot of this checkout in a temp dir, so the checkout is not touched.
//   node bench/core-back-release-overhead.mjs [rounds=2]
import { execFileSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { loadBuildScopes, turboFilterArgs } from "../packages/types/dist/index.js";
import { snapshotWorkspace } from "../apps/core-back/dist/deploy/releases/snapshot.js";
import { readSources } from "../apps/core-back/dist/deploy/releases/sources.js";
import { ReleaseStore } from "../apps/core-back/dist/deploy/releases/store.js";
import { ROOT, TURBO } from "./core-back-harness.mjs";
import { median } from "./stats.mjs";

const rounds = Number(process.argv[2] ?? 2);
const scopes = loadBuildScopes(join(ROOT, "build-scopes.json"));
const filters = turboFilterArgs(scopes, "platform");
const scopeFilters = scopes.scopes.platform.filters;
const env = {
  ...process.env,
  PATH: [join(ROOT, ".tools", "bin"), process.env.PATH ?? ""].join(delimiter),
  TURBO_NO_UPDATE_NOTIFIER: "1",
  TURBO_TELEMETRY_DISABLED: "1",
};
const BRAND = join("apps", "console", "src", "views", "brand.ts");

const dir = mkdtempSync(join(tmpdir(), "release-overhead-bench-"));
const workspace = join(dir, "workspace");
// Each side's cache as its previous build left it: releases hash their files the same
// way every time (a repository of their own, sources staged, no commits), which differs
// from how a checkout with commits is hashed, so each side is primed by a build of its own kind.
const primed = join(dir, "cache-primed");
const primedRelease = join(dir, "cache-primed-release");

/** What turbo's last run replayed from its cache ("6 cached, 7 total"). */
let lastCached = "";

/**
 * @param {string} cwd
 * @param {string} cacheDir
 */
function turbo(cwd, cacheDir) {
  const started = performance.now();
  const out = execFileSync(TURBO, ["run", "build", "--ui=stream", `--cache-dir=${cacheDir}`, ...filters], {
    cwd,
    env,
    encoding: "utf8",
  });
  lastCached = /Cached:\s+(\d+ cached, \d+ total)/.exec(out)?.[1] ?? "?";
  return performance.now() - started;
}

/** The releases a deploy looks in; holds the live release of the workspace's sources. */
const store = new ReleaseStore({ dir: join(dir, "releases"), keep: 2 });

/**
 * A deploy's part before promotion: the digest of the workspace's sources, then either a
 * known-good release built from them (when `reuse`) or a snapshot into a new release
 * built there.
 * @param {string} cacheDir
 * @param {boolean} reuse
 */
async function release(cacheDir, reuse) {
  const started = performance.now();
  // What runReleaseDeploy does: read the sources once, look for a kept release built
  // from them, else write the snapshot from that read and build it.
  const sources = await readSources(workspace, env);
  const found = reuse ? store.findReusable({ digest: sources.digest, filters: scopeFilters }) : undefined;
  let made;
  if (found === undefined) {
    made = store.create(null);
    await snapshotWorkspace({
      workspaceDir: workspace,
      releaseDir: store.pathOf(made.id),
      env,
      objectStore: store.objectStore,
      sources: sources.entries === null ? undefined : { entries: sources.entries, digest: sources.digest },
    });
    turbo(store.pathOf(made.id), cacheDir);
  }
  const ms = performance.now() - started;
  if (made !== undefined) rmSync(store.pathOf(made.id), { recursive: true, force: true });
  return { ms, reused: found !== undefined };
}

try {
  await snapshotWorkspace({ workspaceDir: ROOT, releaseDir: workspace, env });
  // A checkout has commits: turbo hashes a repository without any differently (it then
  // counts the build's own outputs), which would make the bare builds miss the cache.
  const git = { cwd: workspace, env, stdio: /** @type {const} */ ("ignore") };
  execFileSync("git", ["add", "-A"], git);
  execFileSync("git", ["-c", "user.name=bench", "-c", "user.email=bench@bench.test", "commit", "-qm", "bench"], git);
  turbo(workspace, primed);
  // The live release: built from the workspace as it is, known-good.
  const live = store.create(null);
  const snapshot = await snapshotWorkspace({
    workspaceDir: workspace,
    releaseDir: store.pathOf(live.id),
    env,
    objectStore: store.objectStore,
  });
  turbo(store.pathOf(live.id), primedRelease);
  store.update(live.id, { state: "good" });
  store.recordBuildKey(live.id, { digest: snapshot.digest, filters: scopeFilters });
  store.switchTo(live.id);
  /** @type {Record<string, { bareTurboMedianMs: number, snapshotAndReleaseMedianMs: number, overheadPercent: number, reusedLiveRelease: boolean, turboCached: object }>} */
  const results = {};
  let n = 0;
  for (const state of ["all cached", "all cached, no kept release matches", "console changed"]) {
    const bare = [];
    const released = [];
    let reused = false;
    let cached = {};
    for (let i = 0; i < rounds; i += 1) {
      if (state === "console changed") {
        const path = join(workspace, BRAND);
        writeFileSync(
          path,
          readFileSync(path, "utf8").replace(
            /export const BRAND = ".*";/,
            `export const BRAND = "bench ${Date.now()}";`,
          ),
        );
      }
      // The same cache state for both: a copy each of the cache as it is now.
      const cacheA = join(dir, `cache-a-${n}`);
      const cacheB = join(dir, `cache-b-${n}`);
      cpSync(primed, cacheA, { recursive: true });
      cpSync(primedRelease, cacheB, { recursive: true });
      bare.push(turbo(workspace, cacheA));
      const bareCached = lastCached;
      const made = await release(cacheB, state === "all cached");
      released.push(made.ms);
      reused = made.reused;
      cached = { bareTurbo: bareCached, release: made.reused ? "no build" : lastCached };
      rmSync(cacheA, { recursive: true, force: true });
      rmSync(cacheB, { recursive: true, force: true });
      n += 1;
    }
    const bareMs = median(bare);
    const releaseMs = median(released);
    results[state] = {
      bareTurboMedianMs: Math.round(bareMs),
      snapshotAndReleaseMedianMs: Math.round(releaseMs),
      overheadPercent: Math.round(((releaseMs - bareMs) / bareMs) * 1000) / 10,
      reusedLiveRelease: reused,
      turboCached: cached,
    };
  }
  process.stdout.write(`${JSON.stringify({ rounds, targetOverheadPercent: 15, ...results }, null, 2)}\n`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
