import type { Message } from "@app-building/types";
import type { ContainerClient } from "../client/client.js";

/** How far back from the end of the events the last message is looked for. */
const LOOK_BACK = 200;

/**
 * The message a running container handled last, read through its API (from its last
 * events), so that what a Fly container did can be kept in the registry before its
 * machine is destroyed. `null` when none of its recent events belongs to a message.
 */
export async function lastMessageOf(client: ContainerClient, tail: number): Promise<Message | null> {
  let id: string | null = null;
  for await (const event of client.events({ offset: Math.max(0, tail - LOOK_BACK), follow: false })) {
    if (event.messageId !== null) id = event.messageId;
  }
  return id === null ? null : client.getMessage(id);
}
