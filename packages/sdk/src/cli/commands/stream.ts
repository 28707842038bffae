import type { JournalEvent, LogLine } from "@app-building/types";
import { createClient } from "../../client/client.js";
import { ContainerGoneError } from "../../errors.js";
import { isContainerGone, openStoppedJournal } from "../../stopped/read.js";
import { configFor, type CliEnvironment } from "../context.js";
import { EXIT_CODES } from "../../exit-codes.js";
import { formatEvent, formatLogLine } from "../format.js";
import { findContainer } from "../resolve.js";
import { hasExited } from "../stopped.js";

/**
 * `app-building events|logs NAME [-f] [--json]`: print a container's events or logs; `-f`
 * follows them live and ends once the container has stopped and everything was printed.
 * A container that has exited (before or while it is read) is read from its journal.
 */
export async function stream(
  cli: CliEnvironment,
  what: "events" | "logs",
  name: string,
  flags: { follow?: boolean; json?: boolean; offset?: string },
): Promise<number> {
  const config = configFor(cli);
  const entry = await findContainer(config.registry, name);
  const print = (item: JournalEvent | LogLine) => {
    if (flags.json === true) process.stdout.write(`${JSON.stringify(item)}\n`);
    else {
      const text = what === "events" ? formatEvent(item as JournalEvent) : formatLogLine(item as LogLine);
      if (text !== null) process.stdout.write(`${text}\n`);
    }
  };
  let next = flags.offset === undefined ? 0 : Number(flags.offset);
  if (!(await hasExited(config, entry))) {
    const client = createClient(entry);
    const controller = new AbortController();
    const stop = () => controller.abort();
    process.once("SIGINT", stop);
    const options = {
      offset: next,
      follow: flags.follow === true,
      signal: controller.signal,
      reconnectTimeoutMs: 15_000,
      // A runtime that died without ending its stream: stop retrying, read the rest from its journal.
      gone: () => isContainerGone(entry),
    };
    try {
      const items = what === "events" ? client.events(options) : client.logs(options);
      for await (const item of items) {
        print(item);
        next = item.offset + 1;
      }
      if (controller.signal.aborted || !(await isContainerGone(entry))) return EXIT_CODES.ok;
    } catch (error) {
      if (!(error instanceof ContainerGoneError) || !(await isContainerGone(entry))) throw error;
    } finally {
      process.off("SIGINT", stop);
    }
  }
  // Stopped: whatever the live stream did not print comes from the journal it left.
  const journal = await openStoppedJournal(entry, { stateDir: config.stateDir });
  if (journal === null) {
    process.stderr.write(
      `${name} has stopped and left no journal to read (app-building status ${name} says what is known)\n`,
    );
    return EXIT_CODES.ok;
  }
  try {
    for (const item of what === "events" ? journal.events(next) : journal.logs(next)) print(item);
  } finally {
    journal.close();
  }
  return EXIT_CODES.ok;
}
