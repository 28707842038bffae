import { configFor, type CliEnvironment } from "../context.js";
import { EXIT_CODES } from "../../exit-codes.js";
import { printJson } from "../output.js";

/**
 * `app-building ls [--all]`: the live containers, or every recorded one. Both probe first:
 * the probe marks a container that is gone (a detached one that finished, a killed process)
 * as stopped, so `--all` never lists a dead container as running.
 */
export async function ls(cli: CliEnvironment, flags: { all?: boolean; json?: boolean }): Promise<number> {
  const { registry } = configFor(cli);
  const alive = await registry.findAlive();
  const entries = flags.all === true ? await registry.getRecent(1_000) : alive;
  if (flags.json === true) {
    printJson(entries.map(({ token: _token, ...entry }) => entry));
    return EXIT_CODES.ok;
  }
  if (entries.length === 0) {
    process.stdout.write(
      flags.all === true ? "no containers recorded\n" : "no running containers (--all lists stopped ones)\n",
    );
    return EXIT_CODES.ok;
  }
  const rows = entries.map((e) => [
    e.containerName,
    e.driver,
    (e.stoppedAt ?? null) === null ? "running" : "stopped",
    e.baseUrl,
    e.startedAt,
  ]);
  const header = ["NAME", "DRIVER", "STATE", "URL", "STARTED"];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  for (const row of [header, ...rows])
    process.stdout.write(
      `${row
        .map((cell, i) => cell.padEnd(widths[i]!))
        .join("  ")
        .trimEnd()}\n`,
    );
  return EXIT_CODES.ok;
}
