import { createClient } from "../../client/client.js";
import { configFor, type CliEnvironment } from "../context.js";
import { UsageError } from "../exit-codes.js";
import { resolveContainer } from "../resolve.js";

/**
 * `app-building attach NAME`: an interactive session on a running container, from its
 * latest events on. Ctrl+C or Ctrl+D leaves it running (with its queue); Ctrl+] detaches it.
 */
export async function attach(cli: CliEnvironment, name: string): Promise<number> {
  if (!cli.isTTY) throw new UsageError("attach needs a terminal; use `events NAME -f` in scripts");
  const state = await resolveContainer(configFor(cli).registry, name);
  const client = createClient(state);
  const fromOffset = await client.eventsTail();
  const { interactiveSession } = await import("../interactive.js");
  return interactiveSession(client, { fromOffset: Math.max(0, fromOffset - 20), kind: "attach" });
}
