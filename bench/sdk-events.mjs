// events() throughput: a real runtime (process driver) whose agent prints 100k lines, each
// one journal event; then the client consumes them all, over SSE (follow) and by pages.
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { FileContainerRegistry, createClient, startContainer, stopContainer } from "../packages/sdk/dist/index.js";

/** @import { AgentState, ContainerConfig } from "../packages/sdk/dist/index.js" */

const LINES = Number(process.env.LINES ?? 100_000);
const root = mkdtempSync(join(tmpdir(), "bench-events-"));
const agent = join(root, "print-lines.sh");
writeFileSync(agent, `#!/bin/sh\nseq 1 ${LINES} | sed 's/.*/{"type":"line","n":&}/'\n`);
chmodSync(agent, 0o755);
/** @type {ContainerConfig} */
const config = {
  projectRoot: root,
  envVars: { AGENT_COMMAND: agent },
  agent: "command",
  driver: "process",
  registry: new FileContainerRegistry(join(root, "registry.jsonl")),
};

/** @type {AgentState | undefined} */
let state;
try {
  state = await startContainer(config, { repoUrl: "", cloneBranch: "", pushBranch: "" });
  const client = createClient(state);
  const { id } = await client.sendMessage("print");
  const message = await client.waitForMessage(id, { timeoutMs: 600_000 });
  if (message.status !== "done") throw new Error(`the agent message ended ${message.status}`);
  const total = await client.eventsTail();
  if (total < LINES) throw new Error(`only ${total} events were journaled`);

  let started = performance.now();
  let count = 0;
  const controller = new AbortController();
  for await (const event of client.events({ signal: controller.signal })) {
    count += 1;
    if (event.offset !== count - 1) throw new Error(`gap or duplicate at ${event.offset}`);
    if (count === total) break;
  }
  const sseSeconds = (performance.now() - started) / 1000;

  started = performance.now();
  let paged = 0;
  for await (const _event of client.events({ follow: false })) paged += 1;
  const pageSeconds = (performance.now() - started) / 1000;
  if (paged !== total) throw new Error(`paged read gave ${paged} of ${total}`);

  console.log(
    JSON.stringify({
      bench: "sdk-events",
      events: total,
      sseEventsPerSecond: Math.round(total / sseSeconds),
      pagedEventsPerSecond: Math.round(total / pageSeconds),
      targetEventsPerSecond: 20_000,
    }),
  );
} finally {
  if (state) await stopContainer(config, state, { timeoutMs: 30_000 }).catch(() => undefined);
  rmSync(root, { recursive: true, force: true });
}
