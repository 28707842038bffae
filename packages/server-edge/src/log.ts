import { pino, type Logger } from "pino";

export type { Logger } from "pino";

/**
 * A server's process log: JSON lines (pino) on stderr, each with the server's `name`.
 * stdout carries only the ready line (`writeReadyLine`), so whoever started the
 * server can read it without parsing logs.
 *
 * @example
 * ```ts
 * const logger = createLogger("console", config.logLevel);
 * logger.info({ url }, "console ready");
 * ```
 */
export function createLogger(name: string, level: string): Logger {
  return pino({ name, level }, pino.destination(2));
}

/** A logger that writes nothing, for tests. */
export function silentLogger(): Logger {
  return pino({ level: "silent" });
}
