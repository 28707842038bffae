import { liveMembers, readCommandLine, readStat, terminate } from "@app-building/types/process";
import { recoverReleases } from "./release-recovery.js";
import type { DeployRecord } from "./repository.js";
import { appendLogLine } from "./runner.js";
import type { DeployServiceOptions } from "./service-types.js";

/**
 * Boot recovery: deploys a crash left live become `interrupted`, a build they left
 * running (every process of its session) is stopped, and, with releases, a promotion cut
 * short is finished on the last good release.
 *
 * @returns the recovered deploys.
 */
export async function recoverAtBoot(
  options: Pick<DeployServiceOptions, "repository" | "logger" | "releases" | "scopes" | "selfProgram">,
): Promise<DeployRecord[]> {
  const { repository, logger, releases } = options;
  const recovered = repository.recoverInterrupted();
  for (const row of recovered) {
    appendLogLine(row.logPath, "core-back restarted while this deploy was live: marked interrupted");
    if (row.pid !== null && looksLikeOrphanedBuild(row.pid)) {
      logger.warn({ deployId: row.id, sid: row.pid }, "stopping a build left running by a crash");
      await terminate({ session: row.pid }, { graceMs: 2000 });
    }
  }
  if (recovered.length > 0) {
    logger.warn({ deployIds: recovered.map((row) => row.id) }, "deploys interrupted by a restart");
  }
  if (releases !== undefined) {
    await recoverReleases({
      releases,
      repository,
      interrupted: recovered,
      programs: options.scopes.scopes.all.restart.filter((program) => program !== options.selfProgram),
      logger,
    });
  }
  return recovered;
}

/**
 * Whether a pid still looks like the build a crashed server left behind: its command
 * line names turbo, or the process is gone but its session still has members. A build
 * runs in a session of its own (turbo leads it) and turbo puts each task in a process
 * group of its own inside it, so the session, not turbo's group, holds the whole build.
 */
function looksLikeOrphanedBuild(sid: number): boolean {
  const args = readCommandLine(sid) ?? [];
  if (args.length > 0) return args.some((arg) => arg.includes("turbo")) && readStat(sid)?.session === sid;
  return liveMembers({ session: sid }).length > 0;
}
