import { createClient } from "../../client/client.js";
import { startContainer } from "../../lifecycle.js";
import { configFor, type CliEnvironment } from "../context.js";
import { EXIT_CODES } from "../../exit-codes.js";
import { UsageError } from "../exit-codes.js";
import { formatProblems } from "../format.js";
import { printJson, progress, startProgress } from "../output.js";

export interface RunFlags {
  prompt?: string;
  interactive?: boolean;
  driver?: string;
  repo?: string;
  branch?: string;
  pushBranch?: string;
  agent?: string;
  model?: string;
  env?: string[];
  network?: string;
  workspace?: string;
  readyTimeout?: string;
  json?: boolean;
}

/** `app-building run`: start a container, then queue a prompt and detach (one-shot) or open a session (`-i`). */
export async function run(cli: CliEnvironment, flags: RunFlags): Promise<number> {
  if (flags.interactive !== true && (flags.prompt === undefined || flags.prompt.trim() === "")) {
    throw new UsageError("run needs -p PROMPT (one-shot) or -i (interactive)");
  }
  if (flags.interactive === true && !cli.isTTY) throw new UsageError("-i needs a terminal; use -p PROMPT for scripts");
  const readyTimeoutS = flags.readyTimeout === undefined ? undefined : Number(flags.readyTimeout);
  if (readyTimeoutS !== undefined && (!Number.isFinite(readyTimeoutS) || readyTimeoutS <= 0)) {
    throw new UsageError(`--ready-timeout ${flags.readyTimeout ?? ""} is not a number of seconds above 0`);
  }
  const oneShot = flags.interactive !== true;
  const config = configFor(cli, {
    ...flags,
    detached: oneShot,
    initialPrompt: oneShot ? flags.prompt : undefined,
  });
  const spinner = progress(flags.json !== true);
  spinner.step("starting a container");
  let state;
  try {
    state = await startContainer(
      config,
      { repoUrl: flags.repo ?? "", cloneBranch: flags.branch ?? "", pushBranch: flags.pushBranch ?? "" },
      {
        onProgress: startProgress(spinner),
        ...(readyTimeoutS === undefined ? {} : { readyTimeoutMs: readyTimeoutS * 1000 }),
      },
    );
  } finally {
    spinner.done();
  }
  if (flags.json !== true) {
    // Say at once what keeps the agent from working (a missing API key, a missing agent CLI).
    const problems = await createClient(state)
      .status({ signal: AbortSignal.timeout(5_000) })
      .then((current) => current.problems)
      .catch(() => []);
    for (const line of formatProblems(problems)) process.stderr.write(`${line}\n`);
  }
  if (oneShot) {
    // DETACHED + INITIAL_PROMPT: the runtime queued the prompt before it accepted requests.
    if (flags.json === true) {
      printJson({ containerName: state.containerName, driver: state.driver, baseUrl: state.baseUrl, detached: true });
    } else {
      process.stdout.write(`${state.containerName}\n`);
      process.stderr.write(
        `started ${state.containerName} (${state.driver}); it works on the prompt, then exits.\n` +
          `  app-building events ${state.containerName} -f   to watch\n`,
      );
    }
    return EXIT_CODES.ok;
  }
  const { interactiveSession } = await import("../interactive.js");
  return interactiveSession(createClient(state), { fromOffset: 0, initialPrompt: flags.prompt });
}
