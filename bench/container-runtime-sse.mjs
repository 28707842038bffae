#!/usr/bin/env node
// Delivery: the time from an agent printing a line to an SSE client receiving it as an
// event (both on this machine, one clock). Target: p50 <= 5 ms, p99 <= 20 ms.
// Run after `pnpm build`:  node bench/container-runtime-sse.mjs
import { startRuntime, TOKEN } from "./container-runtime-harness.mjs";
import { percentile } from "./stats.mjs";

/** @import { JournalEvent, Page } from "../packages/types/dist/index.js" */

const LINES = Number(process.env.LINES ?? 2000);
const INTERVAL_MS = Number(process.env.INTERVAL_MS ?? 2);

// Prints one timestamped line every INTERVAL_MS (wall clock in ms with sub-ms precision).
const AGENT = `
const [n, every] = process.argv[1].split(",").map(Number);
let i = 0;
const now = () => performance.timeOrigin + performance.now();
const timer = setInterval(() => {
  process.stdout.write(JSON.stringify({ type: "tick", i, t: now() }) + "\\n");
  if (++i >= n) { clearInterval(timer); }
}, every);
`;

const { url, close } = await startRuntime({ name: "sse", agentSource: AGENT });
try {
  const headers = { authorization: `Bearer ${TOKEN}` };
  const first = /** @type {Page<JournalEvent>} */ (await (await fetch(`${url}/events?limit=1`, { headers })).json());
  const start = first.nextOffset;
  const response = await fetch(`${url}/events?offset=${start}`, {
    headers: { ...headers, accept: "text/event-stream" },
  });
  if (response.body === null) throw new Error(`GET /events answered ${response.status} without a stream`);
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  await fetch(`${url}/message`, {
    method: "POST",
    headers: { ...headers, "content-type": "application/json" },
    body: JSON.stringify({ prompt: `${LINES},${INTERVAL_MS}` }),
  });
  const latencies = [];
  let buffer = "";
  while (latencies.length < LINES) {
    const { value, done } = await reader.read();
    if (done) break;
    const received = performance.timeOrigin + performance.now();
    buffer += value;
    let end;
    while ((end = buffer.indexOf("\n\n")) !== -1) {
      const frame = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const data = /^data: (.*)$/m.exec(frame)?.[1];
      if (data === undefined) continue;
      const event = /** @type {JournalEvent} */ (parseJson(data));
      // The agent's own lines are its JSON as printed: here `{ type: "tick", i, t }`.
      const tick = /** @type {{ type?: string, t: number }} */ (event.data);
      if (event.kind === "agent" && tick.type === "tick") latencies.push(received - tick.t);
    }
  }
  await reader.cancel();
  const p50 = percentile(latencies, 50);
  const p99 = percentile(latencies, 99);
  console.log(
    JSON.stringify({
      benchmark: "container-runtime-sse",
      lines: latencies.length,
      intervalMs: INTERVAL_MS,
      p50Ms: Number(p50.toFixed(2)),
      p99Ms: Number(p99.toFixed(2)),
      maxMs: Number(percentile(latencies, 100).toFixed(2)),
      targetP50Ms: 5,
      targetP99Ms: 20,
      met: latencies.length === LINES && p50 <= 5 && p99 <= 20,
    }),
  );
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
