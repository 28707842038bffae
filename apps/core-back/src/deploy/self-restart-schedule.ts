import type { Logger } from "pino";

/** What restarting core-back itself after an answer needs. */
export interface SelfRestartSchedule {
  logger: Logger;
  selfProgram: string;
  /** How long after answering core-back restarts itself. */
  delayMs: number;
  /** How long core-back, having asked supervisord to restart it, waits to be stopped (default 60 s). */
  watchdogMs?: number;
}

/**
 * After a deploy answered: restarts core-back itself (`restart`) once `delayMs` passed.
 * supervisord is expected to stop this process soon after; should it not (a wrong
 * program name, a supervisord that is gone), or should the restart fail, `resume` runs so
 * the deploys queued meanwhile are not stuck behind a restart that never comes.
 */
export function scheduleSelfRestart(
  options: SelfRestartSchedule,
  deployId: string,
  restart: () => Promise<void>,
  resume: () => void,
): void {
  const { logger, selfProgram } = options;
  const timer = setTimeout(() => {
    logger.info({ deployId, program: selfProgram }, "restarting core-back itself");
    restart().then(
      () => {
        const watchdog = setTimeout(() => {
          logger.error(
            { deployId, program: selfProgram, waitedMs: options.watchdogMs },
            "supervisord did not restart core-back: check the program name (SELF_PROGRAM) and supervisord",
          );
          resume();
        }, options.watchdogMs ?? 60_000);
        watchdog.unref();
      },
      (error: unknown) => {
        logger.error({ err: error, deployId }, "core-back could not restart itself");
        resume();
      },
    );
  }, options.delayMs);
  timer.unref();
}
