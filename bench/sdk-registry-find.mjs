// FileContainerRegistry.find on a 100k-entry registry file.
// Prints: medians for a warm registry (the same instance, the file growing between finds),
// a cold one (a new instance per find: a CLI invocation), and the file's size.
import { mkdtempSync, rmSync, writeFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { FileContainerRegistry } from "../packages/sdk/dist/index.js";
import { median, percentile } from "./stats.mjs";

/** @import { RegistryEntry } from "../packages/sdk/dist/index.js" */

const ENTRIES = 100_000;
const dir = mkdtempSync(join(tmpdir(), "bench-registry-"));
const file = join(dir, "registry.jsonl");

/**
 * @param {number} i
 * @returns {RegistryEntry}
 */
function entry(i) {
  return {
    type: i % 3 === 0 ? "remote" : "local",
    driver: i % 3 === 0 ? "fly" : "process",
    containerName: `app-building-${i.toString(36)}-${(i * 7919).toString(16)}`,
    baseUrl: `http://127.0.0.1:${10_000 + (i % 50_000)}`,
    port: 10_000 + (i % 50_000),
    token: `${i}`.padStart(43, "x"),
    startedAt: new Date(1_700_000_000_000 + i * 1000).toISOString(),
    pushBranch: `agent/${i}`,
    stoppedAt: i % 2 === 0 ? new Date(1_700_000_500_000 + i * 1000).toISOString() : null,
  };
}

try {
  const lines = [];
  for (let i = 0; i < ENTRIES; i += 1) lines.push(JSON.stringify(entry(i)));
  writeFileSync(file, `${lines.join("\n")}\n`);

  const names = Array.from({ length: 50 }, (_, k) => entry(Math.floor((k * ENTRIES) / 50) + 7).containerName);
  /** The name round `round` looks up: one of `names`, in turn. */
  const nameAt = (/** @type {number} */ round) => names[round % names.length] ?? "";

  const warm = new FileContainerRegistry(file);
  await warm.find(nameAt(0));
  const warmTimes = [];
  const writer = new FileContainerRegistry(file);
  for (let round = 0; round < 200; round += 1) {
    // Another writer appends between finds: the reader must pick the new line up.
    if (round % 10 === 0) await writer.log(entry(ENTRIES + round));
    const name = nameAt(round);
    const started = performance.now();
    const found = await warm.find(name);
    warmTimes.push(performance.now() - started);
    if (found === null) throw new Error("an entry that is in the file was not found");
  }

  const coldTimes = [];
  for (let round = 0; round < 15; round += 1) {
    const name = nameAt(round);
    const started = performance.now();
    const found = await new FileContainerRegistry(file).find(name);
    coldTimes.push(performance.now() - started);
    if (found === null) throw new Error("an entry that is in the file was not found");
  }

  console.log(
    JSON.stringify({
      bench: "sdk-registry-find",
      entries: ENTRIES,
      fileBytes: statSync(file).size,
      warmFindMedianMs: Number(median(warmTimes).toFixed(3)),
      warmFindP99Ms: Number(percentile(warmTimes, 99).toFixed(3)),
      coldFindMedianMs: Number(median(coldTimes).toFixed(1)),
      targetMedianMs: 20,
    }),
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
