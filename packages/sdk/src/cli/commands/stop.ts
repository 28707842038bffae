import { stopContainer } from "../../lifecycle.js";
import { configFor, type CliEnvironment } from "../context.js";
import { EXIT_CODES } from "../../exit-codes.js";
import { printJson, progress } from "../output.js";
import { resolveContainer } from "../resolve.js";

/** `app-building stop NAME`: stop a container, wait until it has stopped, print what it pushed. */
export async function stop(
  cli: CliEnvironment,
  name: string,
  flags: { json?: boolean; timeout?: string },
): Promise<number> {
  const config = configFor(cli);
  const state = await resolveContainer(config.registry, name);
  const spinner = progress(flags.json !== true);
  spinner.step(`stopping ${name}: interrupt, commit, push`);
  let result;
  try {
    result = await stopContainer(config, state, {
      timeoutMs: flags.timeout === undefined ? undefined : Number(flags.timeout) * 1000,
    });
  } finally {
    spinner.done();
  }
  if (flags.json === true) {
    printJson(result);
  } else {
    const branch = result.pushBranch ?? state.pushBranch;
    const pushed =
      result.pushed === true
        ? `pushed ${result.revision ?? "?"}${branch === undefined || branch === null ? "" : ` to ${branch}`}`
        : result.pushed === false
          ? `push FAILED: ${result.pushError ?? "the push failed"} (revision ${result.revision ?? "-"} is committed, not pushed)`
          : `nothing to push; revision ${result.revision ?? "-"}`;
    process.stdout.write(`stopped ${name}${result.alreadyGone ? " (it had already exited)" : ""}; ${pushed}\n`);
    if (result.recovery !== null) process.stderr.write(`${result.recovery}\n`);
  }
  // Exit 0 only when the work reached the remote or there was nothing to push.
  return result.pushed === false ? EXIT_CODES.failure : EXIT_CODES.ok;
}
