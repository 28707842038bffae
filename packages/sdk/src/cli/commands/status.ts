import { createClient } from "../../client/client.js";
import type { JournalEvent } from "@app-building/types";
import { ContainerGoneError } from "../../errors.js";
import type { RegistryEntry } from "../../registry/registry.js";
import { openStoppedJournal } from "../../stopped/read.js";
import { configFor, type CliEnvironment } from "../context.js";
import { EXIT_CODES } from "../../exit-codes.js";
import { formatEvent, formatProblems } from "../format.js";
import { printJson } from "../output.js";
import { findContainer } from "../resolve.js";
import { formatStopped, hasExited, readExited } from "../stopped.js";

/** How many recent events `--tail` shows. */
const TAIL = 20;

/** The last events a stopped container's journal holds. */
async function journalTail(entry: RegistryEntry, stateDir: string | undefined): Promise<JournalEvent[]> {
  const journal = await openStoppedJournal(entry, { stateDir });
  if (journal === null) return [];
  try {
    const recent: JournalEvent[] = [];
    for (const event of journal.events()) {
      recent.push(event);
      if (recent.length > TAIL) recent.shift();
    }
    return recent;
  } finally {
    journal.close();
  }
}

/**
 * `app-building status [NAME] [--tail]`: one container's status (or every live one's),
 * optionally with its last events. A container that has exited is read from what it left
 * (its journal, or what the registry kept) and shown as stopped.
 */
export async function status(
  cli: CliEnvironment,
  name: string | undefined,
  flags: { tail?: boolean; json?: boolean },
): Promise<number> {
  const config = configFor(cli);
  const { registry } = config;
  if (name !== undefined) {
    const entry = await findContainer(registry, name);
    if (!(await hasExited(config, entry))) {
      try {
        return await printLive([entry], true, flags);
      } catch (error) {
        // It exited between the check and the call: read what it left.
        if (!(error instanceof ContainerGoneError) || !(await hasExited(config, entry))) throw error;
      }
    }
    const stopped = await readExited(config, entry);
    const recent = flags.tail === true ? await journalTail(entry, config.stateDir) : undefined;
    if (flags.json === true) printJson({ ...stopped, recentEvents: recent });
    else {
      process.stdout.write(formatStopped(stopped));
      for (const event of recent ?? []) printEvent(event);
    }
    return EXIT_CODES.ok;
  }
  return printLive(await registry.findAlive(), false, flags);
}

function printEvent(event: JournalEvent): void {
  const text = formatEvent(event);
  if (text !== null) process.stdout.write(`  ${text.replace(/\n/g, "\n  ")}\n`);
}

async function printLive(
  states: RegistryEntry[],
  one: boolean,
  flags: { tail?: boolean; json?: boolean },
): Promise<number> {
  const results = [];
  for (const state of states) {
    const client = createClient(state);
    const current = await client.status();
    let recent: JournalEvent[] = [];
    if (flags.tail === true) {
      const tail = await client.eventsTail();
      for await (const event of client.events({ offset: Math.max(0, tail - TAIL), follow: false })) recent.push(event);
      recent = recent.slice(-TAIL);
    }
    results.push({
      ...current,
      driver: state.driver,
      baseUrl: state.baseUrl,
      recentEvents: flags.tail === true ? recent : undefined,
    });
  }
  if (flags.json === true) {
    printJson(one ? results[0] : results);
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
    for (const event of s.recentEvents ?? []) printEvent(event);
  }
  return EXIT_CODES.ok;
}
