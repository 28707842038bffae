// The log tail of a 1 GB deploy log: the last 8 KB, read from the file's end.
// Target: <= 5 ms median. The log is generated in a temp dir and deleted afterwards.
// Usage: node bench/core-back-log-tail.mjs [sizeMb=1024] [reads=1000]   (after pnpm build)
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LOG_TAIL_BYTES, readLogTail } from "../apps/core-back/dist/deploy/log-tail.js";
import { median, percentile } from "./stats.mjs";

const sizeMb = Number(process.argv[2] ?? 1024);
const reads = Number(process.argv[3] ?? 1000);
const dir = mkdtempSync(join(tmpdir(), "core-back-log-tail-"));
const path = join(dir, "deploy.log");
try {
  // Build-log-like lines with multi-byte characters, so cuts land inside characters too.
  const line = "@app-building/core-back:build: src/deploy/service.ts(3,7): error TS2322: naïve — ✓ 😀\n";
  const chunk = Buffer.from(line.repeat(Math.ceil((1024 * 1024) / Buffer.byteLength(line)))).subarray(0, 1024 * 1024);
  const fd = openSync(path, "w");
  for (let i = 0; i < sizeMb; i += 1) writeSync(fd, chunk);
  closeSync(fd);

  const first = performance.now();
  const tail = readLogTail(path);
  const firstMs = performance.now() - first;
  if (Buffer.byteLength(tail) > LOG_TAIL_BYTES || tail.includes("\uFFFD")) throw new Error("bad tail");

  const times = [];
  for (let i = 0; i < reads; i += 1) {
    const started = performance.now();
    readLogTail(path);
    times.push(performance.now() - started);
  }
  const medianMs = median(times);
  console.log(
    JSON.stringify({
      benchmark: "core-back-log-tail",
      logBytes: sizeMb * 1024 * 1024,
      tailBytes: Buffer.byteLength(tail),
      reads,
      firstReadMs: Number(firstMs.toFixed(3)),
      medianMs: Number(medianMs.toFixed(4)),
      p99Ms: Number(percentile(times, 99).toFixed(4)),
      target: "<= 5 ms median",
      met: medianMs <= 5,
    }),
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
