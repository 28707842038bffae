#!/usr/bin/env node
// Journal at scale: an agent prints 1,000,100 lines; then the runtime's resident memory, and
// the median time of `GET /events?offset=N` at N = 1,000,000 against N = 10 (same page size).
// Targets: RSS <= 150 MB after 1M events; median <= 5 ms at N = 1,000,000.
// Run after `pnpm build`:  node bench/container-runtime-journal.mjs
import { startRuntime } from "./container-runtime-harness.mjs";
import { median, rssMb } from "./stats.mjs";

/** @import { JournalEvent, Message, MessageAccepted, Page } from "../packages/types/dist/index.js" */

const LINES = Number(process.env.LINES ?? 1_000_100);
const READS = Number(process.env.READS ?? 300);
const LIMIT = Number(process.env.LIMIT ?? 100);

const AGENT = `
const n = Number(process.argv[1]);
const line = (i) => JSON.stringify({ type: "assistant", message: { role: "assistant", content: [{ type: "text", text: "event " + i }] } }) + "\\n";
let i = 0;
function pump() {
  while (i < n) {
    let chunk = "";
    for (let k = 0; k < 500 && i < n; k++) chunk += line(i++);
    if (!process.stdout.write(chunk)) return process.stdout.once("drain", pump);
  }
}
pump();
`;

const { child, url, headers, close } = await startRuntime({ name: "journal", agentSource: AGENT });
try {
  const get = async (/** @type {string} */ path) => (await fetch(url + path, { headers })).json();
  const rssAtStart = Math.round(rssMb(child.pid));
  const started = performance.now();
  const { id } = /** @type {MessageAccepted} */ (
    await (
      await fetch(`${url}/message`, { method: "POST", headers, body: JSON.stringify({ prompt: String(LINES) }) })
    ).json()
  );
  for (;;) {
    const message = /** @type {Message} */ (await get(`/message/${id}`));
    if (message.status !== "queued" && message.status !== "processing") break;
    await new Promise((r) => setTimeout(r, 250));
  }
  const ingestSeconds = (performance.now() - started) / 1000;
  const rssAfterIngest = Math.round(rssMb(child.pid));

  /** @param {number} offset */
  async function timeReads(offset) {
    const times = [];
    for (let i = 0; i < READS; i++) {
      const t0 = performance.now();
      const page = /** @type {Page<JournalEvent>} */ (await get(`/events?offset=${offset}&limit=${LIMIT}`));
      times.push(performance.now() - t0);
      if (page.items[0]?.offset !== offset) throw new Error(`read at ${offset} returned ${page.items[0]?.offset}`);
    }
    return median(times);
  }
  await timeReads(10); // warm up the connection and the statement cache
  const medianAt10 = await timeReads(10);
  const medianAt1M = await timeReads(1_000_000);
  const rss = Math.round(rssMb(child.pid));
  console.log(
    JSON.stringify({
      benchmark: "container-runtime-journal",
      agentLines: LINES,
      ingestSeconds: Number(ingestSeconds.toFixed(1)),
      linesPerSecond: Math.round(LINES / ingestSeconds),
      rssMbAtStart: rssAtStart,
      rssMbAfter1MEvents: rssAfterIngest,
      rssMbAfterReads: rss,
      pageLimit: LIMIT,
      medianMsAtOffset10: Number(medianAt10.toFixed(2)),
      medianMsAtOffset1M: Number(medianAt1M.toFixed(2)),
      targetRssMb: 150,
      targetMedianMs: 5,
      met: rss <= 150 && rssAfterIngest <= 150 && medianAt1M <= 5,
    }),
  );
} finally {
  close();
}
