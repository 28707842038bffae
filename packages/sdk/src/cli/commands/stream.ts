import { createClient } from "../../client/client.js";
import { configFor, type CliEnvironment } from "../context.js";
import { EXIT_CODES } from "../exit-codes.js";
import { formatEvent, formatLogLine } from "../format.js";
import { resolveContainer } from "../resolve.js";

/** `app-building events|logs NAME [-f] [--json]`: print a container's events or logs; `-f` follows them live. */
export async function stream(
  cli: CliEnvironment,
  what: "events" | "logs",
  name: string,
  flags: { follow?: boolean; json?: boolean; offset?: string },
): Promise<number> {
  const state = await resolveContainer(configFor(cli).registry, name);
  const client = createClient(state);
  const controller = new AbortController();
  const stop = () => controller.abort();
  process.once("SIGINT", stop);
  const options = {
    offset: flags.offset === undefined ? 0 : Number(flags.offset),
    follow: flags.follow === true,
    signal: controller.signal,
    reconnectTimeoutMs: 15_000,
  };
  try {
    if (what === "events") {
      for await (const event of client.events(options)) {
        if (flags.json === true) process.stdout.write(`${JSON.stringify(event)}\n`);
        else {
          const text = formatEvent(event);
          if (text !== null) process.stdout.write(`${text}\n`);
        }
      }
    } else {
      for await (const line of client.logs(options)) {
        process.stdout.write(flags.json === true ? `${JSON.stringify(line)}\n` : `${formatLogLine(line)}\n`);
      }
    }
  } finally {
    process.off("SIGINT", stop);
  }
  return EXIT_CODES.ok;
}
