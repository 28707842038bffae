import type { Message } from "@app-building/types";
import { createClient } from "../../client/client.js";
import { ContainerGoneError } from "../../errors.js";
import { openStoppedJournal } from "../../stopped/read.js";
import { configFor, type CliEnvironment } from "../context.js";
import { EXIT_CODES } from "../../exit-codes.js";
import { UsageError } from "../exit-codes.js";
import { printJson, progress } from "../output.js";
import { findContainer } from "../resolve.js";
import { formatStopped, hasExited, readExited } from "../stopped.js";

const TERMINAL = new Set(["done", "error", "interrupted"]);

/**
 * `app-building send NAME PROMPT`: queue a prompt on a running container. With `--wait`,
 * wait for the agent's answer and print it (exit 1 when the message failed). A container
 * that exits after running the message (a detached one) is read from its journal; one
 * that had already stopped takes no prompt (exit 5, with what it left).
 */
export async function send(
  cli: CliEnvironment,
  name: string,
  words: string[],
  flags: { wait?: boolean; json?: boolean; timeout?: string },
): Promise<number> {
  const prompt = words.join(" ").trim();
  if (prompt === "") throw new UsageError('the prompt is empty: app-building send NAME "what to do"');
  const timeoutS = flags.timeout === undefined ? undefined : Number(flags.timeout);
  if (timeoutS !== undefined && (!Number.isFinite(timeoutS) || timeoutS <= 0)) {
    throw new UsageError(`--timeout ${flags.timeout ?? ""} is not a number of seconds above 0`);
  }
  const config = configFor(cli);
  const entry = await findContainer(config.registry, name);
  if (await hasExited(config, entry)) {
    process.stderr.write(formatStopped(await readExited(config, entry)));
    throw new ContainerGoneError(
      `${name} has stopped and takes no more prompts: start a new one (app-building run), its last result is above`,
    );
  }
  const client = createClient(entry);
  const accepted = await client.sendMessage(prompt);
  if (flags.wait !== true) {
    if (flags.json === true) printJson(accepted);
    else {
      process.stdout.write(`queued message ${accepted.id} on ${name} (${accepted.status})\n`);
      process.stdout.write(`follow it: app-building events ${name} -f\n`);
    }
    return EXIT_CODES.ok;
  }
  const spinner = progress(flags.json !== true);
  spinner.step(`waiting for ${name} to answer message ${accepted.id}`);
  let message: Message;
  try {
    message = await client.waitForMessage(accepted.id, {
      timeoutMs: timeoutS === undefined ? undefined : timeoutS * 1000,
    });
  } catch (error) {
    // A detached container exits once its queue is done: the answer is in the journal it left.
    const left =
      error instanceof ContainerGoneError && (await hasExited(config, entry)) ? await journalMessage() : null;
    if (left === null) throw error;
    message = left;
  } finally {
    spinner.done();
  }
  if (flags.json === true) printJson(message);
  else if (message.status === "done") process.stdout.write(`${message.result ?? ""}\n`);
  else process.stdout.write(`message ${message.id} ended ${message.status}: ${message.error ?? "no error text"}\n`);
  return message.status === "done" ? EXIT_CODES.ok : EXIT_CODES.failure;

  async function journalMessage(): Promise<Message | null> {
    const journal = await openStoppedJournal(entry, { stateDir: config.stateDir });
    if (journal === null) return null;
    try {
      const found = journal.message(accepted.id);
      // Still queued or running when the container went: it will never end; say how it was left.
      if (found !== null && !TERMINAL.has(found.status)) {
        return { ...found, status: "interrupted", error: found.error ?? `${name} stopped before the message ended` };
      }
      return found;
    } finally {
      journal.close();
    }
  }
}
