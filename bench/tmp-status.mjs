#!/usr/bin/env node
// /status under load while the agent streams: requests per second and p99 latency of
// `GET /status` (8 keep-alive connections) while an agent prints ~20k lines/s.
// Target: >= 2,000 req/s with p99 <= 20 ms.  Run after `pnpm build`:
//   node bench/container-runtime-status.mjs
import { Agent, request } from "node:http";
import { startRuntime, TOKEN } from "./tmp-harness.mjs";
import { percentile } from "./stats.mjs";

/** @import { ContainerStatus } from "../packages/types/dist/index.js" */

const SECONDS = Number(process.env.SECONDS ?? 5);
const CONNECTIONS = Number(process.env.CONNECTIONS ?? 8);

// Streams 200 lines every 10 ms (~20k lines/s) until killed.
const AGENT = `
let i = 0;
setInterval(() => {
  let chunk = "";
  for (let k = 0; k < 200; k++) chunk += JSON.stringify({ type: "assistant", message: { content: [{ type: "text", text: "streaming line " + i++ }] } }) + "\\n";
  process.stdout.write(chunk);
}, 10);
`;

const { port, close } = await startRuntime({ name: "status", agentSource: AGENT });

try {
  const agent = new Agent({ keepAlive: true, maxSockets: CONNECTIONS });
  /**
   * @param {string} method
   * @param {string} path
   * @param {string} [body]
   * @returns {Promise<{ status: number | undefined, text: string }>}
   */
  const call = (method, path, body) =>
    new Promise((resolve, reject) => {
      const req = request(
        {
          host: "127.0.0.1",
          port,
          method,
          path,
          agent,
          headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
        },
        (res) => {
          let text = "";
          res.setEncoding("utf8");
          res.on("data", (c) => (text += c));
          res.on("end", () => resolve({ status: res.statusCode, text }));
        },
      );
      req.on("error", reject);
      req.end(body);
    });
  await call("POST", "/message", JSON.stringify({ prompt: "stream" }));
  const status = async () => /** @type {ContainerStatus} */ (parseJson((await call("GET", "/status")).text));
  // let the agent get going
  for (;;) {
    if ((await status()).state === "processing") break;
  }
  /** @type {number[]} */
  const latencies = [];
  let errors = 0;
  const until = performance.now() + SECONDS * 1000;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async () => {
      while (performance.now() < until) {
        const start = performance.now();
        const res = await call("GET", "/status");
        latencies.push(performance.now() - start);
        if (res.status !== 200) errors++;
      }
    }),
  );
  const elapsed = (performance.now() - t0) / 1000;
  const p = (/** @type {number} */ q) => percentile(latencies, q * 100);
  const rps = latencies.length / elapsed;
  const final = await status();
  console.log(
    JSON.stringify({
      benchmark: "container-runtime-status",
      seconds: Number(elapsed.toFixed(2)),
      connections: CONNECTIONS,
      requests: latencies.length,
      errors,
      requestsPerSecond: Math.round(rps),
      p50Ms: Number(p(0.5).toFixed(2)),
      p99Ms: Number(p(0.99).toFixed(2)),
      agentStillStreaming: final.state === "processing",
      targetRequestsPerSecond: 2000,
      targetP99Ms: 20,
      met: errors === 0 && rps >= 2000 && p(0.99) <= 20,
    }),
  );
  agent.destroy();
} finally {
  close();
}

/**
 * @param {string} text
 * @returns {unknown}
 */
function parseJson(text) {
  return JSON.parse(text);
}
