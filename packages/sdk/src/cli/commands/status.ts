import { createClient } from "../../client/client.js";
import type { JournalEvent } from "@app-building/types";
import { configFor, type CliEnvironment } from "../context.js";
import { EXIT_CODES } from "../exit-codes.js";
import { formatEvent, formatProblems } from "../format.js";
import { printJson } from "../output.js";
import { resolveContainer } from "../resolve.js";

/** `app-building status [NAME] [--tail]`: one container's status (or every live one's), optionally with its last events. */
export async function status(
  cli: CliEnvironment,
  name: string | undefined,
  flags: { tail?: boolean; json?: boolean },
): Promise<number> {
  const { registry } = configFor(cli);
  const states = name !== undefined ? [await resolveContainer(registry, name)] : await registry.findAlive();
  const results = [];
  for (const state of states) {
    const client = createClient(state);
    const current = await client.status();
    let recent: JournalEvent[] = [];
    if (flags.tail === true) {
      const tail = await client.eventsTail();
      for await (const event of client.events({ offset: Math.max(0, tail - 20), follow: false })) recent.push(event);
      recent = recent.slice(-20);
    }
    results.push({
      ...current,
      driver: state.driver,
      baseUrl: state.baseUrl,
      recentEvents: flags.tail === true ? recent : undefined,
    });
  }
  if (flags.json === true) {
    printJson(name !== undefined ? results[0] : results);
    return EXIT_CODES.ok;
  }
  if (results.length === 0) {
    process.stdout.write("no running containers (app-building ls --all lists stopped ones)\n");
  }
  for (const s of results) {
    process.stdout.write(
      [
        `${s.containerName}  ${s.state}  (${s.driver}, ${s.agent})  ${s.baseUrl}`,
        `  queue ${s.queueLength}  tasks ${s.pendingTasks} pending / ${s.tasksProcessed} done  iteration ${s.iteration}  cost $${s.totalCostUsd.toFixed(4)}`,
        `  branch ${s.pushBranch ?? "-"}  revision ${s.revision ?? "-"}${s.pendingPush ? "  (push pending)" : ""}${s.detachRequested ? "  (detaching)" : ""}`,
        `  last activity ${s.lastActivityAt}`,
        ...formatProblems(s.problems).map((line) => `  ${line}`),
      ].join("\n") + "\n",
    );
    for (const event of s.recentEvents ?? []) {
      const text = formatEvent(event);
      if (text !== null) process.stdout.write(`  ${text.replace(/\n/g, "\n  ")}\n`);
    }
  }
  return EXIT_CODES.ok;
}
