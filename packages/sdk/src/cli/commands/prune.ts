import { pruneContainers } from "../../prune.js";
import { configFor, type CliEnvironment } from "../context.js";
import { EXIT_CODES } from "../../exit-codes.js";
import { printJson } from "../output.js";

/** `app-building prune [--dry-run]`: remove what stopped containers left, and say what. */
export async function prune(
  cli: CliEnvironment,
  flags: { dryRun?: boolean; includeUnpushed?: boolean; json?: boolean },
): Promise<number> {
  const report = await pruneContainers(configFor(cli), {
    dryRun: flags.dryRun === true,
    includeUnpushed: flags.includeUnpushed === true,
  });
  if (flags.json === true) {
    printJson({ dryRun: flags.dryRun === true, ...report });
    return EXIT_CODES.ok;
  }
  const verb = flags.dryRun === true ? "would remove" : "removed";
  for (const path of report.removed) process.stdout.write(`${verb} ${path}\n`);
  for (const name of report.forgotten)
    process.stdout.write(`${flags.dryRun === true ? "would forget" : "forgot"} ${name}\n`);
  for (const { containerName, reason } of report.kept) process.stdout.write(`kept ${containerName}: ${reason}\n`);
  if (report.removed.length === 0 && report.forgotten.length === 0) process.stdout.write("nothing to prune\n");
  return EXIT_CODES.ok;
}
