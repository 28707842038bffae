// Snapshot + release overhead: a deploy's build in a new release (snapshot of the
// workspace, then turbo there) against a bare turbo build of the same filters in the
// workspace itself, in the same cache state, side by side. Two states: nothing changed
// (every task replays from the cache) and the console changed (turbo rebuilds it).
// The workspace is a snapshot of this checkout in a temp dir, so the checkout is not touched.
//   node bench/core-back-release-overhead.mjs [rounds=2]
import { execFileSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { loadBuildScopes, turboFilterArgs } from "../packages/types/dist/index.js";
import { snapshotWorkspace } from "../apps/core-back/dist/deploy/releases/snapshot.js";
import { ROOT, TURBO } from "./core-back-harness.mjs";
import { median } from "./stats.mjs";

const rounds = Number(process.argv[2] ?? 2);
const scopes = loadBuildScopes(join(ROOT, "build-scopes.json"));
const filters = turboFilterArgs(scopes, "platform");
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
// way every time (a repository of their own without commits), which differs from how a
// checkout with commits is hashed, so each side is primed by a build of its own kind.
const primed = join(dir, "cache-primed");
const primedRelease = join(dir, "cache-primed-release");

/**
 * @param {string} cwd
 * @param {string} cacheDir
 */
function turbo(cwd, cacheDir) {
  const started = performance.now();
  execFileSync(TURBO, ["run", "build", "--ui=stream", `--cache-dir=${cacheDir}`, ...filters], {
    cwd,
    env,
    stdio: "ignore",
  });
  return performance.now() - started;
}

/** A deploy's part before promotion: snapshot into a new release, build it there. */
/**
 * @param {string} cacheDir
 * @param {number} n
 */
async function release(cacheDir, n) {
  const releaseDir = join(dir, `release-${n}`);
  const started = performance.now();
  cpSync(workspace, releaseDir, { filter: () => false }); // creates the empty dir
  await snapshotWorkspace({ workspaceDir: workspace, releaseDir, env });
  turbo(releaseDir, cacheDir);
  const ms = performance.now() - started;
  rmSync(releaseDir, { recursive: true, force: true });
  return ms;
}

try {
  await snapshotWorkspace({ workspaceDir: ROOT, releaseDir: workspace, env });
  // A checkout has commits: turbo hashes a repository without any differently (it then
  // counts the build's own outputs), which would make the bare builds miss the cache.
  const git = { cwd: workspace, env, stdio: /** @type {const} */ ("ignore") };
  execFileSync("git", ["add", "-A"], git);
  execFileSync("git", ["-c", "user.name=bench", "-c", "user.email=bench@bench.test", "commit", "-qm", "bench"], git);
  turbo(workspace, primed);
  await release(primedRelease, -1);
  /** @type {Record<string, { bareTurboMedianMs: number, snapshotAndReleaseMedianMs: number, overheadPercent: number }>} */
  const results = {};
  let n = 0;
  for (const state of ["all cached", "console changed"]) {
    const bare = [];
    const released = [];
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
      released.push(await release(cacheB, n));
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
    };
  }
  process.stdout.write(`${JSON.stringify({ rounds, targetOverheadPercent: 15, ...results }, null, 2)}\n`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
