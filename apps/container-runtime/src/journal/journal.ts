import type { EventKind, LogLine } from "@app-building/types";
import type { Redactor } from "../redact.js";
import type { Db } from "./database.js";
import { OffsetLog } from "./offset-log.js";

type EventRow = [time: string, messageId: string | null, kind: string, data: string];
type LogRow = [time: string, stream: string, line: string];

function eventJson(row: unknown): string {
  const [offset, time, messageId, kind, data] = row as [number, string, string | null, string, string];
  return `{"offset":${offset},"time":"${time}","messageId":${messageId === null ? "null" : JSON.stringify(messageId)},"kind":"${kind}","data":${data}}`;
}

function logJson(row: unknown): string {
  const [offset, time, stream, line] = row as [number, string, string, string];
  return `{"offset":${offset},"time":"${time}","stream":"${stream}","line":${JSON.stringify(line)}}`;
}

let lastMs = 0;
let lastIso = "";

/** The current time as ISO text, formatted at most once per millisecond (agents print bursts). */
function nowIso(): string {
  const ms = Date.now();
  if (ms !== lastMs) {
    lastMs = ms;
    lastIso = new Date(ms).toISOString();
  }
  return lastIso;
}

/** The longest log line kept whole; longer lines are cut and marked. */
const MAX_LOG_LINE = 64 * 1024;

/**
 * The durable journal: typed events and log lines, each with dense offsets, redacted on
 * the way in so no secret ever reaches disk, a reader or a webhook.
 */
export class Journal {
  readonly events: OffsetLog<EventRow>;
  readonly logs: OffsetLog<LogRow>;
  readonly #redactor: Redactor;

  constructor(db: Db, redactor: Redactor) {
    this.events = new OffsetLog<EventRow>(db, "events", ["time", "message_id", "kind", "data"], eventJson);
    this.logs = new OffsetLog<LogRow>(db, "logs", ["time", "stream", "line"], logJson);
    this.#redactor = redactor;
  }

  /** Records an event; `data` is any JSON value (the agent's own event, or the runtime's). */
  event(kind: EventKind, messageId: string | null, data: unknown): number {
    const text = JSON.stringify(data ?? null);
    return this.events.append(nowIso(), messageId, kind, this.#redactor.text(text));
  }

  /**
   * Records an agent's raw JSON line as an `agent` event without parsing it twice: the
   * caller has already checked it is a JSON object.
   */
  agentLine(messageId: string | null, jsonLine: string): number {
    return this.events.append(nowIso(), messageId, "agent", this.#redactor.text(jsonLine));
  }

  /** Records one log line. */
  log(stream: LogLine["stream"], line: string): number {
    // redacted before the cut, so the cut never splits a secret into parts that pass
    const redacted = this.#redactor.text(line);
    const cut = redacted.length > MAX_LOG_LINE ? `${redacted.slice(0, MAX_LOG_LINE)}… [cut]` : redacted;
    return this.logs.append(nowIso(), stream, cut);
  }

  /** Commits everything recorded so far. */
  flush(): void {
    this.events.flush();
    this.logs.flush();
  }
}
