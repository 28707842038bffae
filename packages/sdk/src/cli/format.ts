import type { JournalEvent, LogLine } from "@app-building/types";

const useColor = process.stdout.isTTY === true && process.env.NO_COLOR === undefined;
const paint = (code: string) => (text: string) => (useColor ? `\x1b[${code}m${text}\x1b[0m` : text);
const dim = paint("2");
const cyan = paint("36");
const green = paint("32");
const red = paint("31");
const yellow = paint("33");

function short(text: string, max = 200): string {
  const oneLine = text.replace(/\s+/g, " ").trim();
  return oneLine.length > max ? `${oneLine.slice(0, max - 1)}…` : oneLine;
}

/** A field as text: strings as they are, anything else as JSON. */
function text(value: unknown): string {
  if (value === undefined || value === null) return "";
  return typeof value === "string" ? value : JSON.stringify(value);
}

function record(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === "object" ? (value as Record<string, unknown>) : {};
}

/** Pretty text of one agent event (Claude Code stream-json, Codex JSON, or a command's line), or null to skip it. */
function formatAgent(data: Record<string, unknown>): string | null {
  if (data.type === "assistant") {
    const content = record(data.message).content;
    const parts: string[] = [];
    for (const block of Array.isArray(content) ? content : []) {
      const b = record(block);
      if (b.type === "text" && typeof b.text === "string") parts.push(b.text.trim());
      if (b.type === "tool_use") parts.push(cyan(`⚙ ${text(b.name)} ${short(JSON.stringify(b.input ?? {}), 160)}`));
    }
    return parts.length > 0 ? parts.join("\n") : null;
  }
  if (data.type === "user") return null;
  if (data.type === "system") return dim(`· ${text(data.subtype) || "system"}`);
  if (data.type === "result") {
    const cost = typeof data.total_cost_usd === "number" ? ` $${data.total_cost_usd.toFixed(4)}` : "";
    return dim(`· result: ${text(data.subtype)}${cost}`);
  }
  if (typeof data.text === "string") return data.text;
  return dim(short(JSON.stringify(data)));
}

/**
 * One event as a line (or lines) for people, or null when it is not worth showing.
 */
export function formatEvent(event: JournalEvent): string | null {
  const data = record(event.data);
  switch (event.kind) {
    case "agent":
      return formatAgent(data);
    case "message.started":
      return dim(`▶ message ${event.messageId ?? ""}`);
    case "message.done":
      return green(`✓ done${typeof data.costUsd === "number" ? ` ($${data.costUsd.toFixed(4)})` : ""}`);
    case "message.error":
      return red(`✗ error: ${text(data.error)}`);
    case "message.interrupted":
      return yellow("■ interrupted");
    case "git.committed":
      return dim(`· committed ${text(data.revision).slice(0, 12)}`);
    case "git.pushed":
      return green(`↑ pushed ${text(data.revision).slice(0, 12)} to ${text(data.branch)}`);
    case "git.push_failed":
      return red(`✗ push failed: ${text(data.error)}`);
    case "container.state":
      return dim(`· ${text(data.state)}`);
    default:
      return dim(`· ${event.kind}`);
  }
}

/** One log line for people. */
export function formatLogLine(line: LogLine): string {
  const text = line.stream === "stderr" ? red(line.line) : line.stream === "runtime" ? dim(line.line) : line.line;
  return `${dim(line.time.slice(11, 19))} ${text}`;
}

/** What keeps a container's agent from working (`status.problems`), one warning line each. */
export function formatProblems(problems: readonly string[]): string[] {
  return problems.map((problem) => yellow(`⚠ problem: ${problem}`));
}
