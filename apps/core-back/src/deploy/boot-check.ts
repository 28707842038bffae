import { spawnGroup, terminate } from "@app-building/types/process";
import { HttpWaitError, waitForHttp } from "@app-building/types/wait-for-http";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { releaseOf } from "./gate.js";

/** How a boot check ended. */
export type BootCheckResult = { ok: true; durationMs: number } | { ok: false; reason: string; output: string };

/** What to boot and how long it may take. */
export interface BootCheckRequest {
  /** The release directory. */
  releaseDir: string;
  releaseId: string;
  /** The entry to boot, relative to the release, e.g. `apps/core-back/dist/main.js`. */
  entry: string;
  healthPath: string;
  timeoutMs: number;
  /** The environment it boots with (PORT, WORKSPACE_DIR and the data dir are set here). */
  env: Record<string, string | undefined>;
  signal?: AbortSignal;
}

/** A port nothing listens on now (the kernel's pick). */
export function sparePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() =>
        typeof address === "object" && address !== null ? resolve(address.port) : reject(new Error("no port")),
      );
    });
  });
}

/**
 * Boots core-back of a new release on a spare port, with a data dir of its own and the
 * release as its workspace, and asks its health URL: only a build that answers from its
 * own release may become what core-back's next restart runs. The process (its whole
 * session) is stopped afterwards, whatever happened.
 */
export async function bootCheck(request: BootCheckRequest): Promise<BootCheckResult> {
  const port = await sparePort();
  const dataDir = mkdtempSync(join(tmpdir(), "core-back-boot-check-"));
  const started = Date.now();
  const child = spawnGroup(process.execPath, [join(request.releaseDir, request.entry)], {
    cwd: request.releaseDir,
    env: {
      ...request.env,
      PORT: String(port),
      HOST: "127.0.0.1",
      WORKSPACE_DIR: request.releaseDir,
      CORE_BACK_DATA_DIR: dataDir,
      SUPERVISOR_SOCKET: "",
      RELEASES_DIR: "",
      LOG_LEVEL: "warn",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const keep = (chunk: Buffer): void => {
    output = (output + chunk.toString("utf8")).slice(-4000);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  const state: { exit: string | null } = { exit: null };
  child.once("exit", (code, signal) => {
    state.exit = signal === null ? `exit code ${code}` : `signal ${signal}`;
  });
  child.once("error", (error) => {
    state.exit = `could not start: ${error.message}`;
  });
  const url = `http://127.0.0.1:${port}${request.healthPath}`;
  const exitedAtBoot = (exit: string): string => `core-back of release ${request.releaseId} exited at boot (${exit})`;
  try {
    await waitForHttp(url, {
      timeoutMs: request.timeoutMs,
      intervalMs: 100,
      attemptTimeoutMs: 1_000,
      accept: async (response) => {
        const answered = releaseOf(await response.json().catch(() => null));
        return answered === request.releaseId ? null : `answered from release ${answered ?? "(none)"}`;
      },
      giveUp: () => {
        if (state.exit !== null) return exitedAtBoot(state.exit);
        return request.signal?.aborted === true ? "the deploy was stopped" : null;
      },
    });
    return { ok: true, durationMs: Date.now() - started };
  } catch (error) {
    if (!(error instanceof HttpWaitError)) throw error;
    // An exit seen only as the deadline passed is still an exit, reported as one.
    const reason =
      error.reason ??
      (state.exit === null
        ? `core-back of release ${request.releaseId}: no answer on a spare port's ${request.healthPath} within ${Math.round(request.timeoutMs / 1000)} s (last: ${error.lastAttempt})`
        : exitedAtBoot(state.exit));
    return { ok: false, reason, output };
  } finally {
    if (child.pid !== undefined && state.exit === null) {
      await terminate({ session: child.pid }, { graceMs: 3_000 });
    }
    rmSync(dataDir, { recursive: true, force: true });
  }
}
