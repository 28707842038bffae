/** The line the runtime prints on stdout once it listens (or fails to start). */
export interface ReadyLine {
  ready: boolean;
  port?: number;
  message?: string;
}

/** The first ready line in a stretch of runtime output, or `null` while there is none. */
export function findReadyLine(text: string): ReadyLine | null {
  for (const line of text.split("\n")) {
    if (!line.startsWith("{")) continue;
    try {
      const parsed = JSON.parse(line) as Partial<ReadyLine>;
      if (typeof parsed.ready === "boolean") return parsed as ReadyLine;
    } catch {
      // a line of other output
    }
  }
  return null;
}
