#!/usr/bin/env node
// Ingest: an agent printing 200k stream-json lines; how many lines per second the runtime
// persists end to end (from the POST to the message being done with every line readable).
// Target: >= 20,000 lines/s.  Run after `pnpm build`:  node bench/container-runtime-ingest.mjs
import { startRuntime } from "./container-runtime-harness.mjs";

/** @import { JournalEvent, Message, MessageAccepted, Page } from "../packages/types/dist/index.js" */

const LINES = Number(process.env.LINES ?? 200_000);

// One stream-json-like assistant line per event, printed as fast as the pipe takes them.
const AGENT = `
const n = Number(process.argv[1]);
const line = (i) => JSON.stringify({ type: "assistant", message: { id: "msg_" + i, role: "assistant", content: [{ type: "text", text: "line " + i + " of the agent's output" }] }, session_id: "bench" }) + "\\n";
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

const rt = await startRuntime({ name: "ingest", agentSource: AGENT });
try {
  /** @param {string} path */
  const events = async (path) => /** @type {Page<JournalEvent>} */ (await rt.api(path));
  const before = (await events("/events?limit=1")).nextOffset;
  const started = performance.now();
  const { id } = /** @type {MessageAccepted} */ (await rt.api("/message", { prompt: String(LINES) }));
  let offset = before;
  for (;;) {
    const page = await events(`/events?offset=${offset}&limit=10000&wait=30`);
    offset = page.nextOffset;
    if (page.items.some((e) => e.kind === "message.done" && e.messageId === id)) break;
  }
  const seconds = (performance.now() - started) / 1000;
  const agentEvents = (await events(`/events?offset=${offset - 1}`)).items.length;
  const message = /** @type {Message} */ (await rt.api(`/message/${id}`));
  console.log(
    JSON.stringify({
      benchmark: "container-runtime-ingest",
      lines: LINES,
      status: message.status,
      eventsWritten: offset - before,
      seconds: Number(seconds.toFixed(3)),
      linesPerSecond: Math.round(LINES / seconds),
      targetLinesPerSecond: 20_000,
      met: message.status === "done" && agentEvents >= 1 && LINES / seconds >= 20_000,
    }),
  );
} finally {
  rt.close();
}
