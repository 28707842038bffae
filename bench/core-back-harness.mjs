// Shared by the core-back benchmarks: starts the built core-back (node apps/core-back/dist/main.js)
// on an ephemeral loopback port with a temp data dir, serving this repository.
import { spawn } from "node:child_process";
import { once } from "node:events";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { freePort, waitForHttp } from "../packages/testkit/dist/index.js";

export { freePort };

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
export const MAIN_JS = join(ROOT, "apps", "core-back", "dist", "main.js");
export const TURBO = join(ROOT, "node_modules", ".bin", "turbo");

/**
 * Starts core-back and resolves once /health answers.
 *
 * @param {Record<string, string>} [extraEnv]
 */
export async function startCoreBack(extraEnv = {}) {
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), "core-back-bench-"));
  const deployToken = randomBytes(24).toString("hex");
  const child = spawn(process.execPath, [MAIN_JS], {
    env: {
      ...process.env,
      PORT: String(port),
      CORE_BACK_DATA_DIR: dataDir,
      LOG_LEVEL: "warn",
      SELF_DEPLOY_TOKEN: deployToken,
      ...extraEnv,
    },
    stdio: ["ignore", "ignore", "inherit"],
  });
  const url = `http://127.0.0.1:${port}`;
  await waitForHttp(`${url}/health`, {
    timeoutMs: 30_000,
    intervalMs: 50,
    giveUp: () => (child.exitCode !== null ? `core-back exited with ${child.exitCode} (run pnpm build first)` : null),
  });
  return {
    url,
    pid: child.pid,
    dataDir,
    /**
     * A self-deploy request as the platform's agent sends it (JSON, with the self-deploy token).
     * @param {string} [body]
     * @returns {RequestInit}
     */
    selfDeploy: (body = "{}") => ({
      method: "POST",
      body,
      headers: { "content-type": "application/json", authorization: `Bearer ${deployToken}` },
    }),
    stop: async () => {
      child.kill("SIGTERM");
      await once(child, "exit");
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
