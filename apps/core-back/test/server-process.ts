import { spawn, execFileSync, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import { waitForHttp } from "@app-building/testkit";
import { TURBO_BIN, type FixtureWorkspace } from "./fixture-workspace.js";

/** The built server and CLI (the suites run after `pnpm build`, as `npm test` does). */
export const MAIN_JS = join(import.meta.dirname, "..", "dist", "main.js");
export const CREATE_ADMIN_JS = join(import.meta.dirname, "..", "dist", "cli", "create-admin.js");

/** A free loopback port. */
export { freePort } from "@app-building/testkit";

/** The environment of a core-back serving a fixture workspace. */
export function serverEnv(fx: FixtureWorkspace, dataDir: string, port: number, extra: Record<string, string> = {}) {
  return {
    ...process.env,
    PORT: String(port),
    WORKSPACE_DIR: fx.dir,
    CORE_BACK_DATA_DIR: dataDir,
    TURBO_BIN,
    LOG_LEVEL: "warn",
    DEPLOY_SETTLE_MS: "50",
    KILL_GRACE_MS: "1000",
    BETTER_AUTH_SECRET: "a-test-secret-that-is-long-enough-0123456789",
    SELF_DEPLOY_TOKEN: TEST_DEPLOY_TOKEN,
    ...extra,
  };
}

/** The self-deploy token the test servers are started with. */
export const TEST_DEPLOY_TOKEN = "a-test-self-deploy-token-0123456789";

/** A self-deploy request as the platform's agent sends it: JSON, with the self-deploy token. */
export function selfDeployInit(body = "{}"): RequestInit {
  return {
    method: "POST",
    body,
    headers: { "content-type": "application/json", authorization: `Bearer ${TEST_DEPLOY_TOKEN}` },
  };
}

/** Runs the create-admin CLI and returns the API key it printed. */
export function createAdminKey(env: Record<string, string | undefined>): string {
  const out = execFileSync(
    process.execPath,
    [CREATE_ADMIN_JS, "--email", "ops@example.test", "--password", "ops-password"],
    {
      env,
      encoding: "utf8",
    },
  );
  return (JSON.parse(out) as { apiKey: string }).apiKey;
}

/** Waits until GET /health answers; fails at once when `child` exits first. */
export async function waitHealthy(url: string, child?: ChildProcess, withinMs = 20_000): Promise<void> {
  await waitForHttp(`${url}/health`, {
    timeoutMs: withinMs,
    intervalMs: 50,
    giveUp: () => (child !== undefined && child.exitCode !== null ? `core-back exited with ${child.exitCode}` : null),
  });
}

/** A core-back process started by a test. */
export interface ServerProcess {
  child: ChildProcess;
  url: string;
  output: () => string;
  exited: Promise<number | null>;
}

/** Starts `node dist/main.js` and waits for it to be healthy. */
export async function startServerProcess(env: Record<string, string | undefined>): Promise<ServerProcess> {
  const child = spawn(process.execPath, [MAIN_JS], { env, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const url = `http://127.0.0.1:${env.PORT}`;
  try {
    await waitHealthy(url, child);
  } catch (error) {
    child.kill("SIGKILL");
    throw new Error(`${(error as Error).message}\n${output}`);
  }
  return { child, url, output: () => output, exited };
}
