import { portOf } from "../drivers/names.js";
import type { RegistryEntry } from "./registry.js";

/** The registry as folded from its lines: entries by name, in the order they were started. */
export interface RegistryIndex {
  entries: Map<string, RegistryEntry>;
  /** Lines applied, for deciding when to compact. */
  lines: number;
}

function isEntry(value: Record<string, unknown>): boolean {
  return (
    typeof value.containerName === "string" &&
    value.containerName !== "" &&
    typeof value.baseUrl === "string" &&
    (value.type === "local" || value.type === "remote")
  );
}

/**
 * Applies one line of the registry file to the index. Lines are either a whole entry
 * (what `log` writes, and what a compacted file holds) or an update
 * `{op: "stopped" | "cleared" | "removed", containerName}`. Returns what was wrong with a line that
 * cannot be applied, or `null`. With `only`, lines about other containers are ignored.
 */
export function applyLine(index: RegistryIndex, line: string, only?: string): string | null {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return `not JSON: ${line.slice(0, 80)}`;
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) return "not a JSON object";
  const record = value as Record<string, unknown>;
  index.lines += 1;
  if (only !== undefined && record.containerName !== only) return null;
  if (record.op === "removed") {
    if (typeof record.containerName === "string") index.entries.delete(record.containerName);
    return null;
  }
  if (record.op === "stopped" || record.op === "cleared") {
    if (typeof record.containerName !== "string") return `an "${record.op}" line without a containerName`;
    const entry = index.entries.get(record.containerName);
    if (entry === undefined) return null;
    entry.stoppedAt =
      record.op === "stopped" ? (typeof record.at === "string" ? record.at : new Date(0).toISOString()) : null;
    if (record.op === "stopped" && record.outcome !== null && typeof record.outcome === "object") {
      entry.outcome = record.outcome as RegistryEntry["outcome"];
    }
    return null;
  }
  if (record.op !== undefined) return `unknown op ${JSON.stringify(record.op)}`;
  if (!isEntry(record)) return "an entry without containerName, baseUrl or type";
  const entry = {
    ...record,
    // Entries written before AgentState had a port take it from their URL.
    port: typeof record.port === "number" ? record.port : portOfUrl(record.baseUrl),
    stoppedAt: typeof record.stoppedAt === "string" ? record.stoppedAt : null,
  } as RegistryEntry;
  // Logging a name again moves it to the end: it is the most recent start.
  index.entries.delete(entry.containerName);
  index.entries.set(entry.containerName, entry);
  return null;
}

function portOfUrl(baseUrl: unknown): number | undefined {
  try {
    return typeof baseUrl === "string" ? portOf(baseUrl) : undefined;
  } catch {
    return undefined;
  }
}
