import type { JournalEvent } from "@app-building/types";

/** The longest summary a line shows. */
export const MAX_SUMMARY = 200;

/** What the live view shows for one event: `offset type summary`. */
export interface EventLine {
  offset: number;
  kind: string;
  time: string;
  summary: string;
}

function clip(text: string): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > MAX_SUMMARY ? `${flat.slice(0, MAX_SUMMARY - 1)}…` : flat;
}

function record(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function text(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}

/** A short text for an agent's own JSON event (Claude Code stream-json, Codex, a command's lines). */
function agentSummary(data: Record<string, unknown>): string {
  const type = text(data.type) ?? "event";
  const direct = text(data.text) ?? text(data.result) ?? text(data.message) ?? text(data.subtype);
  if (direct !== undefined) return `${type}: ${direct}`;
  const content = record(data.message).content;
  if (Array.isArray(content)) {
    const parts = content.map((part) => {
      const item = record(part);
      return text(item.text) ?? (text(item.name) === undefined ? text(item.type) : `tool ${text(item.name)}`);
    });
    const joined = parts.filter((part) => part !== undefined).join(" ");
    if (joined !== "") return `${type}: ${joined}`;
  }
  return type;
}

/**
 * One line for the live event view: the agent's text or tool use, a message id, a state,
 * a revision — whatever says most in a short line.
 */
export function summarizeEvent(event: JournalEvent): EventLine {
  const data = record(event.data);
  let summary: string;
  switch (event.kind) {
    case "agent":
      summary = agentSummary(data);
      break;
    case "container.state":
      summary = text(data.state) ?? "";
      break;
    case "git.committed":
    case "git.pushed":
      summary = [text(data.revision)?.slice(0, 12), text(data.message) ?? text(data.branch)]
        .filter((part) => part !== undefined)
        .join(" ");
      break;
    default: {
      const detail = text(data.error) ?? text(data.reason) ?? text(data.result) ?? text(data.prompt);
      summary = [event.messageId, detail].filter((part) => part !== undefined && part !== null).join(" ");
    }
  }
  return { offset: event.offset, kind: event.kind, time: event.time, summary: clip(summary) };
}
