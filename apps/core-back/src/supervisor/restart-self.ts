// Restarts one supervisord program from outside it: core-back starts this in its own
// session to restart core-back itself, since a process cannot wait for its own start.
// With a release, it is also the watcher that does not depend on the new core-back: it
// health-gates the restarted program on that release and, when it fails, switches back
// to the previous release and restarts it again.
// Usage: node restart-self.js <socket> <program> [<releases dir> <release> <previous|-> <base url> <check json>]
import { serviceCheckSchema } from "@app-building/types";
import { gateService } from "../deploy/gate.js";
import { writeWatchOutcome } from "../deploy/release-recovery.js";
import { ReleaseStore } from "../deploy/releases/store.js";
import { SupervisorClient } from "./client.js";

const [socketPath, program, releasesDir, release, previous, baseUrl, checkJson] = process.argv.slice(2);
if (socketPath === undefined || program === undefined) {
  console.error(
    "usage: node restart-self.js <supervisord socket> <program> [<releases dir> <release> <previous> <url> <check>]",
  );
  process.exit(2);
}
const client = new SupervisorClient({ socketPath });

async function launchAndGate(
  target: string,
  url: string,
  check: ReturnType<typeof serviceCheckSchema.parse>,
): Promise<string | null> {
  const startedAt = Date.now();
  const offsets = await client.launch(program!);
  const result = await gateService({
    program: program!,
    baseUrl: url,
    check,
    release: target,
    processState: () => client.getProcessInfo(program!),
    startedAt,
  });
  if (result.ok) return null;
  const output = await client.outputTail(program!, offsets).catch(() => "");
  return `${result.reason}${output.trim() === "" ? "" : `\n${program} output (this start only):\n${output.trim().slice(-3000)}`}`;
}

try {
  if (releasesDir === undefined || release === undefined || baseUrl === undefined || checkJson === undefined) {
    await client.restart(program);
    process.exit(0);
  }
  const store = new ReleaseStore({ dir: releasesDir, keep: Number.MAX_SAFE_INTEGER });
  const check = serviceCheckSchema.parse(JSON.parse(checkJson));
  const failure = await launchAndGate(release, baseUrl, check);
  if (failure === null) {
    if (store.stateOf(release) === "candidate") store.update(release, { state: "good" });
    writeWatchOutcome(store.pathOf(release), { ok: true, reason: null, live: release });
    process.exit(0);
  }
  store.update(release, { state: "failed" });
  if (previous === undefined || previous === "-") {
    writeWatchOutcome(store.pathOf(release), {
      ok: false,
      reason: `${failure}; no earlier release to roll back to`,
      live: release,
    });
    process.exit(1);
  }
  store.switchTo(previous);
  writeWatchOutcome(store.pathOf(release), { ok: false, reason: failure, live: previous });
  const again = await launchAndGate(previous, baseUrl, check);
  process.exit(again === null ? 1 : 3);
} catch (error) {
  console.error(`restart of ${program} failed: ${(error as Error).message}`);
  process.exit(1);
}
