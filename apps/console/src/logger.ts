/** A minimal JSON-lines logger on stderr (stdout carries only the ready line). */
export interface Logger {
  error(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
}

const LEVELS = { error: 0, warn: 1, info: 2 } as const;

/** A logger that writes levels up to `level`; `silent` writes nothing. */
export function createLogger(level: keyof typeof LEVELS | "silent"): Logger {
  const max = level === "silent" ? -1 : LEVELS[level];
  const write = (name: keyof typeof LEVELS, message: string, fields?: Record<string, unknown>): void => {
    if (LEVELS[name] > max) return;
    process.stderr.write(
      `${JSON.stringify({ time: new Date().toISOString(), level: name, msg: message, ...fields })}\n`,
    );
  };
  return {
    error: (message, fields) => write("error", message, fields),
    warn: (message, fields) => write("warn", message, fields),
    info: (message, fields) => write("info", message, fields),
  };
}
