/** Writes one JSON document to stdout (`--json`). */
export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

const FRAMES = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

/** A progress line on stderr: a spinner on a terminal, plain lines otherwise (and nothing with `--json`). */
export interface Progress {
  step(text: string): void;
  done(text?: string): void;
}

export function progress(enabled: boolean, tty = process.stderr.isTTY === true): Progress {
  if (!enabled) return { step: () => undefined, done: () => undefined };
  if (!tty) {
    return {
      step: (text) => process.stderr.write(`… ${text}\n`),
      done: (text) => {
        if (text !== undefined) process.stderr.write(`✓ ${text}\n`);
      },
    };
  }
  let text = "";
  let frame = 0;
  const started = Date.now();
  const draw = () => {
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    process.stderr.write(`\r\x1b[K${FRAMES[frame % FRAMES.length]} ${text} (${seconds}s)`);
    frame += 1;
  };
  const timer = setInterval(draw, 80);
  timer.unref();
  return {
    step(next) {
      text = next;
      draw();
    },
    done(final) {
      clearInterval(timer);
      process.stderr.write(`\r\x1b[K${final === undefined ? "" : `✓ ${final}\n`}`);
    },
  };
}
