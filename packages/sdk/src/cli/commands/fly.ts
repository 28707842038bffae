import { FlyMachinesApi } from "../../drivers/fly-api.js";
import { FLY_METADATA_KEY } from "../../drivers/fly.js";
import { ConfigurationError, SDK_ERROR_CODES } from "../../errors.js";
import type { CliEnvironment } from "../context.js";
import { EXIT_CODES } from "../../exit-codes.js";
import { UsageError } from "../exit-codes.js";
import { printJson } from "../output.js";

function api(cli: CliEnvironment): { api: FlyMachinesApi; app: string } {
  if (cli.flyToken === undefined || cli.flyApp === undefined) {
    throw new ConfigurationError(
      "Set FLY_API_TOKEN and FLY_APP_NAME to manage Fly machines.",
      SDK_ERROR_CODES.flyCredentialsMissing,
    );
  }
  return { api: new FlyMachinesApi(cli.flyToken, cli.flyApiBaseUrl), app: cli.flyApp };
}

/** `app-building fly machines list`: every machine of the app. */
export async function flyMachinesList(cli: CliEnvironment, flags: { json?: boolean }): Promise<number> {
  const { api: fly, app } = api(cli);
  const machines = await fly.list(app);
  if (flags.json === true) {
    printJson(machines);
    return EXIT_CODES.ok;
  }
  if (machines.length === 0) process.stdout.write(`no machines in ${app}\n`);
  for (const m of machines) {
    const container = m.metadata[FLY_METADATA_KEY] ?? "-";
    process.stdout.write(`${m.id}  ${m.state.padEnd(9)}  ${m.region ?? "-"}  ${container}  ${m.createdAt ?? ""}\n`);
  }
  return EXIT_CODES.ok;
}

/** `app-building fly machines destroy-all --yes`: destroy every machine this SDK started in the app. */
export async function flyMachinesDestroyAll(
  cli: CliEnvironment,
  flags: { yes?: boolean; json?: boolean },
): Promise<number> {
  const { api: fly, app } = api(cli);
  const ours = (await fly.list(app)).filter((m) => m.metadata[FLY_METADATA_KEY] !== undefined);
  if (flags.yes !== true) {
    throw new UsageError(`destroy-all would destroy ${ours.length} machine(s) in ${app}: add --yes to do it`);
  }
  const results = await Promise.allSettled(ours.map((m) => fly.destroy(app, m.id)));
  const failed = results.flatMap((r, i) =>
    r.status === "rejected" ? [{ id: ours[i]!.id, error: String(r.reason) }] : [],
  );
  if (flags.json === true) printJson({ destroyed: ours.length - failed.length, failed });
  else {
    process.stdout.write(`destroyed ${ours.length - failed.length} machine(s) in ${app}\n`);
    for (const f of failed) process.stderr.write(`could not destroy ${f.id}: ${f.error}\n`);
  }
  return failed.length === 0 ? EXIT_CODES.ok : EXIT_CODES.failure;
}
