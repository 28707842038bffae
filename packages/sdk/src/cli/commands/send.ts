import { createClient } from "../../client/client.js";
import { configFor, type CliEnvironment } from "../context.js";
import { EXIT_CODES, UsageError } from "../exit-codes.js";
import { printJson, progress } from "../output.js";
import { resolveContainer } from "../resolve.js";

/**
 * `app-building send NAME PROMPT`: queue a prompt on a running container. With `--wait`,
 * wait for the agent's answer and print it (exit 1 when the message failed).
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
  const state = await resolveContainer(configFor(cli).registry, name);
  const client = createClient(state);
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
  let message;
  try {
    message = await client.waitForMessage(accepted.id, {
      timeoutMs: timeoutS === undefined ? undefined : timeoutS * 1000,
    });
  } finally {
    spinner.done();
  }
  if (flags.json === true) printJson(message);
  else if (message.status === "done") process.stdout.write(`${message.result ?? ""}\n`);
  else process.stdout.write(`message ${message.id} ended ${message.status}: ${message.error ?? "no error text"}\n`);
  return message.status === "done" ? EXIT_CODES.ok : EXIT_CODES.failure;
}
