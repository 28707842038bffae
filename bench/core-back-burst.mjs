// 100 concurrent self-deploy calls against one core-back, on this repository's platform scope.
// Targets: at most 2 builds; every call answered; core-back RSS <= 150 MB during the burst.
// Usage: node bench/core-back-burst.mjs [calls=100]   (after pnpm build)
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { startCoreBack } from "./core-back-harness.mjs";
import { rssMb } from "./stats.mjs";

/** @typedef {{ status: number, body: { deployId?: string, error?: string } }} Answer */

const calls = Number(process.argv[2] ?? 100);
const server = await startCoreBack();
try {
  // One deploy first, so the burst measures coalescing rather than a cold cache.
  const warm = await fetch(`${server.url}/api/v1/self/deploy`, server.selfDeploy());
  if (warm.status !== 200) throw new Error(`warm-up deploy failed: ${(await warm.text()).slice(0, 2000)}`);
  const logsBefore = readdirSync(join(server.dataDir, "deploy-logs")).length;

  const baselineRssMb = rssMb(server.pid);
  let peakRssMb = baselineRssMb;
  const sampler = setInterval(() => {
    peakRssMb = Math.max(peakRssMb, rssMb(server.pid));
  }, 5);

  const started = performance.now();
  /** @type {(i: number) => Promise<Answer>} */
  const call = (i) =>
    fetch(`${server.url}/api/v1/self/deploy`, server.selfDeploy(JSON.stringify({ sessionId: `burst-${i}` })))
      .then(async (response) => ({
        status: response.status,
        body: /** @type {Answer["body"]} */ (await response.json()),
      }))
      .catch((/** @type {unknown} */ error) => ({ status: 0, body: { error: String(error) } }));
  const answers = await Promise.all(Array.from({ length: calls }, (_, i) => call(i)));
  const wallMs = performance.now() - started;
  clearInterval(sampler);
  peakRssMb = Math.max(peakRssMb, rssMb(server.pid));

  const answered = answers.filter((a) => a.status === 200 || a.status === 500).length;
  const deployIds = new Set(answers.map((a) => a.body.deployId).filter(Boolean));
  const builds = readdirSync(join(server.dataDir, "deploy-logs")).length - logsBefore;
  /** @type {Record<number, number>} */
  const statuses = {};
  for (const a of answers) statuses[a.status] = (statuses[a.status] ?? 0) + 1;
  console.log(
    JSON.stringify({
      benchmark: "core-back-burst",
      calls,
      answered,
      statuses,
      builds,
      distinctDeployIds: deployIds.size,
      wallMs: Math.round(wallMs),
      baselineRssMb: Number(baselineRssMb.toFixed(1)),
      peakRssMb: Number(peakRssMb.toFixed(1)),
      targets: { builds: "<= 2", answered: `= ${calls}`, peakRssMb: "<= 150" },
      met: builds <= 2 && answered === calls && peakRssMb <= 150,
    }),
  );
} finally {
  await server.stop();
}
