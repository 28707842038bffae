import type { AgentState } from "@app-building/sdk";
import type { JournalEvent } from "@app-building/types";

/** Every journal event of a container, read page by page from offset 0. */
export async function allEvents(state: AgentState): Promise<JournalEvent[]> {
  const events: JournalEvent[] = [];
  let offset = 0;
  for (;;) {
    const response = await fetch(`${state.baseUrl}/events?offset=${offset}`, {
      headers: { authorization: `Bearer ${state.token ?? ""}` },
    });
    if (!response.ok) throw new Error(`GET /events answered ${response.status}`);
    const page = (await response.json()) as { items: JournalEvent[]; nextOffset: number };
    events.push(...page.items);
    if (page.items.length === 0 || page.nextOffset === offset) return events;
    offset = page.nextOffset;
  }
}

interface ContentBlock {
  type?: string;
  text?: string;
  content?: unknown;
  tool_use_id?: string;
}

function blockText(content: unknown): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  return (content as ContentBlock[]).map((block) => (typeof block.text === "string" ? block.text : "")).join("\n");
}

/** The text of each tool result the agent CLI got back (its Bash output, ...), in order, for one message. */
export function toolResults(events: JournalEvent[], messageId: string): string[] {
  const results: string[] = [];
  for (const event of events) {
    if (event.kind !== "agent" || event.messageId !== messageId) continue;
    const data = event.data as { type?: string; message?: { content?: unknown } };
    if (data.type !== "user" || !Array.isArray(data.message?.content)) continue;
    for (const block of data.message.content as ContentBlock[]) {
      if (block.type === "tool_result") results.push(blockText(block.content));
    }
  }
  return results;
}
