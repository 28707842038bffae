// Overhead of a self-deploy over running turbo directly, on a fully cached platform scope.
// Target: median(self-deploy wall time) / median(direct turbo wall time) <= 1.3.
// Both run the same turbo command (build-scopes.json "platform" filters, --ui=stream
// --summarize) in this repository, alternately, in one run. core-back runs without
// supervisord here, so no service restart is included on either side.
// Usage: node bench/core-back-overhead.mjs [iterations=21]   (after pnpm build)
import { spawnSync } from "node:child_process";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { ROOT, startCoreBack, TURBO } from "./core-back-harness.mjs";
import { median } from "./stats.mjs";
import { loadBuildScopes, turboFilterArgs } from "../packages/types/dist/index.js";

const iterations = Number(process.argv[2] ?? 21);
const scopes = loadBuildScopes(join(ROOT, "build-scopes.json"));
const args = ["run", "build", "--ui=stream", "--summarize", ...turboFilterArgs(scopes, "platform")];
// The same PATH core-back gives its builds: the pinned pnpm first.
const PATH = [join(ROOT, ".tools", "bin"), join(ROOT, "node_modules", ".bin"), process.env.PATH].join(":");
const env = { ...process.env, PATH, TURBO_NO_UPDATE_NOTIFIER: "1", TURBO_TELEMETRY_DISABLED: "1", DO_NOT_TRACK: "1" };

function direct() {
  const started = performance.now();
  const result = spawnSync(TURBO, args, { cwd: ROOT, env, encoding: "utf8" });
  const ms = performance.now() - started;
  if (result.status !== 0) throw new Error(`direct turbo failed:\n${result.stdout}\n${result.stderr}`);
  const summary = /Summary:\s+(\S+\.json)/.exec(result.stdout)?.[1];
  if (summary !== undefined) rmSync(summary, { force: true });
  return { ms, cached: /FULL TURBO|cache hit/.test(result.stdout) };
}

/** @param {Awaited<ReturnType<typeof startCoreBack>>} server */
async function viaCoreBack(server) {
  const started = performance.now();
  const response = await fetch(`${server.url}/api/v1/self/deploy`, server.selfDeploy('{"scope":"platform"}'));
  const body = await response.json();
  const ms = performance.now() - started;
  if (response.status !== 200) throw new Error(`self-deploy failed: ${JSON.stringify(body).slice(0, 2000)}`);
  return ms;
}

const server = await startCoreBack();
try {
  direct(); // warm turbo's cache and the OS file cache
  await viaCoreBack(server);
  const directMs = [];
  const selfDeployMs = [];
  let allCached = true;
  for (let i = 0; i < iterations; i += 1) {
    const run = direct();
    allCached &&= run.cached;
    directMs.push(run.ms);
    selfDeployMs.push(await viaCoreBack(server));
  }
  const ratio = median(selfDeployMs) / median(directMs);
  console.log(
    JSON.stringify({
      benchmark: "core-back-overhead",
      iterations,
      scope: "platform",
      fullyCached: allCached,
      directTurboMedianMs: Math.round(median(directMs)),
      selfDeployMedianMs: Math.round(median(selfDeployMs)),
      ratio: Number(ratio.toFixed(3)),
      target: "<= 1.3",
      met: ratio <= 1.3,
    }),
  );
} finally {
  await server.stop();
}
