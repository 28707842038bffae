import {
  containerStatusSchema,
  messageSchema,
  type ContainerStatus,
  type JournalEvent,
  type LogLine,
  type Message,
} from "@app-building/types";
import { AppBuildingError, SDK_ERROR_CODES } from "../errors.js";

function invalid(what: string, detail: string): AppBuildingError {
  return new AppBuildingError(`the container answered ${what} that does not match the API: ${detail}`, {
    code: SDK_ERROR_CODES.invalidResponse,
  });
}

/** Checks a `GET /status` answer. */
export function parseStatus(value: unknown): ContainerStatus {
  const parsed = containerStatusSchema.safeParse(value);
  if (!parsed.success) throw invalid("a status", parsed.error.message);
  return parsed.data;
}

/** Checks a `GET /message/:id` answer. */
export function parseMessage(value: unknown): Message {
  const parsed = messageSchema.safeParse(value);
  if (!parsed.success) throw invalid("a message", parsed.error.message);
  return parsed.data;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object";
}

/** Checks one event cheaply (streams carry tens of thousands a second). */
export function parseEvent(value: unknown): JournalEvent {
  if (!isRecord(value) || typeof value.offset !== "number" || typeof value.kind !== "string") {
    throw invalid("an event", JSON.stringify(value).slice(0, 200));
  }
  return value as JournalEvent;
}

/** Checks one log line cheaply. */
export function parseLogLine(value: unknown): LogLine {
  if (!isRecord(value) || typeof value.offset !== "number" || typeof value.line !== "string") {
    throw invalid("a log line", JSON.stringify(value).slice(0, 200));
  }
  return value as LogLine;
}
