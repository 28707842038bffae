import type { ContainerClient } from "../client/client.js";
import { AppBuildingError, ContainerGoneError } from "../errors.js";
import { EXIT_CODES } from "../exit-codes.js";
import { UsageError } from "./exit-codes.js";
import { formatEvent } from "./format.js";

const PROMPT = "> ";
const ESC = "\x1b";
const CTRL_C = "\x03";
const CTRL_D = "\x04";
const CTRL_RIGHT_BRACKET = "\x1d";

/**
 * What Ctrl+C and Ctrl+D do: in `run -i` they detach (the session started the container and
 * owns it); in `attach` they only leave, and the container keeps running with its queue.
 * Ctrl+] detaches in both.
 */
export type SessionKind = "run" | "attach";

/**
 * The interactive session of `run -i` and `attach`: a prompt line at the bottom, the
 * agent's events printed live above it. Enter sends the line, ESC interrupts the current
 * turn, Ctrl+] detaches (the container finishes its queue, then exits) and leaves; Ctrl+C
 * or Ctrl+D detach too in `run -i`, and in `attach` leave the container running. Resolves
 * with the exit code.
 */
export async function interactiveSession(
  client: ContainerClient,
  options: { fromOffset: number; initialPrompt?: string; kind?: SessionKind },
): Promise<number> {
  const stdin = process.stdin;
  const stdout = process.stdout;
  if (stdin.isTTY !== true) throw new UsageError("-i and attach need a terminal; use -p PROMPT for scripts");
  const name = client.state.containerName;
  let line = "";
  let closing = false;
  const controller = new AbortController();
  const redraw = () => stdout.write(`\r\x1b[K${PROMPT}${line}`);
  const above = (text: string) => {
    stdout.write(`\r\x1b[K${text.replace(/\r?\n/g, "\r\n")}\r\n`);
    redraw();
  };
  const report = (error: unknown) => above(`! ${error instanceof Error ? error.message : String(error)}`);

  let finish: (code: number) => void = () => undefined;
  const finished = new Promise<number>((resolve) => {
    finish = resolve;
  });

  const send = (prompt: string) => {
    client.sendMessage(prompt).then(
      ({ id }) => above(`· queued ${id}`),
      (error: unknown) => report(error),
    );
  };

  const kind = options.kind ?? "run";
  const keys =
    kind === "attach"
      ? "Enter sends, ESC interrupts, Ctrl+C or Ctrl+D leaves it running, Ctrl+] detaches (it finishes its queue, then exits)"
      : "Enter sends, ESC interrupts, Ctrl+C or Ctrl+D detaches (it finishes its queue, then exits)";

  /** Leaves the session; the container keeps running and keeps its queue. */
  const leaveRunning = () => {
    if (closing) return;
    closing = true;
    above(
      `· left ${name} running; \`app-building attach ${name}\` to come back, \`app-building stop ${name}\` to stop it`,
    );
    finish(EXIT_CODES.ok);
  };

  const detach = async () => {
    if (closing) return;
    closing = true;
    above("· detaching: the container finishes its queue, then exits");
    try {
      await client.detach();
      above(`· detached from ${name}; \`app-building attach ${name}\` to come back while it runs`);
      finish(EXIT_CODES.ok);
    } catch (error) {
      report(error);
      finish(error instanceof ContainerGoneError ? EXIT_CODES.gone : EXIT_CODES.failure);
    }
  };

  /** True when `char` ends the session (and it was ended). */
  const endingKey = (char: string): boolean => {
    if (char === CTRL_RIGHT_BRACKET) {
      void detach();
      return true;
    }
    if (char === CTRL_C || char === CTRL_D) {
      if (kind === "attach") leaveRunning();
      else void detach();
      return true;
    }
    return false;
  };

  const onData = (chunk: string) => {
    if (closing) return;
    if (endingKey(chunk)) return;
    if (chunk === ESC) {
      client.interrupt().then(
        () => above("· interrupt sent"),
        (error: unknown) => report(error),
      );
      return;
    }
    if (chunk.startsWith(ESC)) return; // arrow keys and other sequences
    for (const char of chunk) {
      if (char === "\r" || char === "\n") {
        const prompt = line.trim();
        line = "";
        redraw();
        if (prompt !== "") send(prompt);
      } else if (char === "\x7f" || char === "\b") {
        line = line.slice(0, -1);
        redraw();
      } else if (endingKey(char)) {
        return;
      } else if (char >= " ") {
        line += char;
        stdout.write(char);
      }
    }
  };

  stdin.setRawMode(true);
  stdin.setEncoding("utf8");
  stdin.on("data", onData);
  stdin.resume();
  above(`· attached to ${name}: ${keys}`);
  if (options.initialPrompt !== undefined) send(options.initialPrompt);

  const streaming = (async () => {
    try {
      for await (const event of client.events({ offset: options.fromOffset, signal: controller.signal })) {
        const text = formatEvent(event);
        if (text !== null) above(text);
      }
      if (!closing) {
        above(`· ${name} stopped`);
        finish(EXIT_CODES.ok);
      }
    } catch (error) {
      if (closing) return;
      report(error);
      finish(
        error instanceof AppBuildingError && error instanceof ContainerGoneError ? EXIT_CODES.gone : EXIT_CODES.failure,
      );
    }
  })();

  const code = await finished;
  controller.abort();
  stdin.off("data", onData);
  stdin.setRawMode(false);
  stdin.pause();
  stdout.write("\r\n");
  await streaming;
  return code;
}
