import type { Message } from "@app-building/types";
import type { ContainerClient } from "../client/client.js";

/** How far back from the end of the events the last message and push are looked for. */
const LOOK_BACK = 200;

/** What a running container's recent events say: the message it handled last, and how its last push went. */
export interface RecentOutcome {
  lastMessage: Message | null;
  /** `true` or `false` after a `git.pushed` or `git.push_failed` event, `null` when none is recent. */
  pushed: boolean | null;
  pushError: string | null;
}

/**
 * Reads, through its API, the message a running container handled last and its last
 * push (from its last events), so that what a Fly container did can be kept in the
 * registry before its machine is destroyed with its journal.
 */
export async function recentOutcome(client: ContainerClient, tail: number): Promise<RecentOutcome> {
  let id: string | null = null;
  const outcome: RecentOutcome = { lastMessage: null, pushed: null, pushError: null };
  for await (const event of client.events({ offset: Math.max(0, tail - LOOK_BACK), follow: false })) {
    if (event.messageId !== null) id = event.messageId;
    if (event.kind === "git.pushed") Object.assign(outcome, { pushed: true, pushError: null });
    if (event.kind === "git.push_failed") {
      const error = (event.data as { error?: unknown } | null)?.error;
      Object.assign(outcome, { pushed: false, pushError: typeof error === "string" ? error : "the push failed" });
    }
  }
  if (id !== null) outcome.lastMessage = await client.getMessage(id);
  return outcome;
}
