import type { ReadinessWait, StartProgress } from "../drivers/driver.js";

/** Writes one JSON document to stdout (`--json`). */
export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

const FRAMES = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

/** A progress line on stderr: a spinner on a terminal, plain lines otherwise (and nothing with `--json`). */
export interface Progress {
  step(text: string): void;
  /** A step bounded by a budget: the spinner says how much of it has gone by ("12 s of 120 s"). */
  wait(text: string, budget: ReadinessWait): void;
  done(text?: string): void;
}

/** The SDK's start progress, shown on a {@link Progress}. */
export function startProgress(spinner: Progress): StartProgress {
  return (step, wait) => (wait === undefined ? spinner.step(step) : spinner.wait(step, wait));
}

const seconds = (ms: number) => Math.floor(ms / 1000);

export function progress(enabled: boolean, tty = process.stderr.isTTY === true): Progress {
  if (!enabled) return { step: () => undefined, wait: () => undefined, done: () => undefined };
  if (!tty) {
    return {
      step: (text) => process.stderr.write(`… ${text}\n`),
      wait: (text, budget) => process.stderr.write(`… ${text} (at most ${seconds(budget.timeoutMs)} s)\n`),
      done: (text) => {
        if (text !== undefined) process.stderr.write(`✓ ${text}\n`);
      },
    };
  }
  let text = "";
  let frame = 0;
  const started = Date.now();
  let budget: { timeoutMs: number; startedAt: number } | null = null;
  const draw = () => {
    const clock =
      budget === null
        ? `${((Date.now() - started) / 1000).toFixed(1)}s`
        : `${seconds(Date.now() - budget.startedAt)} s of ${seconds(budget.timeoutMs)} s`;
    process.stderr.write(`\r\x1b[K${FRAMES[frame % FRAMES.length]} ${text} (${clock})`);
    frame += 1;
  };
  const timer = setInterval(draw, 80);
  timer.unref();
  return {
    step(next) {
      text = next;
      budget = null;
      draw();
    },
    wait(next, wait) {
      text = next;
      budget = { timeoutMs: wait.timeoutMs, startedAt: Date.now() - wait.elapsedMs };
      draw();
    },
    done(final) {
      clearInterval(timer);
      process.stderr.write(`\r\x1b[K${final === undefined ? "" : `✓ ${final}\n`}`);
    },
  };
}
