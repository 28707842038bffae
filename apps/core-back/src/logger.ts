import { pino } from "pino";
import type { Logger } from "pino";

/** core-back's structured logger (JSON lines on stdout). */
export function createLogger(level: string): Logger {
  return pino({ name: "core-back", level });
}

/** A logger that writes nothing, for tests. */
export function silentLogger(): Logger {
  return pino({ level: "silent" });
}
