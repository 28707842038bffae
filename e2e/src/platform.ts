import { existsSync, readFileSync } from "node:fs";
import { delimiter, join } from "node:path";
import { FileContainerRegistry, createClient, type AgentState, type ContainerClient } from "@app-building/sdk";
import { setTimeout as sleep } from "node:timers/promises";
import { isAlive, terminate } from "@app-building/types/process";
import { capture, type CommandResult } from "./exec.js";
import { freePort } from "@app-building/testkit";
import { repoRoot } from "./paths.js";

/** The platform as `npm start` brought it up in a checkout. */
export interface RunningPlatform {
  dir: string;
  coreBackUrl: string;
  consoleUrl: string;
  admin: { email: string; password: string };
  /** What the start command printed. */
  startOutput: string;
  /** The environment the commands ran with. */
  env: NodeJS.ProcessEnv;
  /** The platform's agent container. */
  agent(): Promise<{ state: AgentState; client: ContainerClient }>;
  /** Runs the start command again, with `extraEnv` added to its environment. */
  start(extraEnv?: NodeJS.ProcessEnv): Promise<CommandResult>;
  /** `npm run stop`. */
  stop(): Promise<CommandResult>;
}

/**
 * Runs the README's start command (`node scripts/run.mjs start`) in `dir`, a checkout of
 * this monorepo, on free ports, with the agent's model at `modelUrl`.
 */
export async function startPlatform(dir: string, options: { modelUrl: string; extraEnv?: NodeJS.ProcessEnv }) {
  const coreBackPort = await freePort();
  const consolePort = await freePort();
  const admin = { email: "admin@e2e.test", password: "e2e-admin-password" };
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    // The pinned pnpm this checkout installed, so the copy does not install its own.
    PATH: [join(repoRoot, ".tools", "bin"), process.env.PATH ?? ""].join(delimiter),
    CI: "true",
    CORE_BACK_PORT: String(coreBackPort),
    CONSOLE_PORT: String(consolePort),
    ADMIN_EMAIL: admin.email,
    ADMIN_PASSWORD: admin.password,
    APP_BUILDING_AGENT: "claude",
    ANTHROPIC_BASE_URL: options.modelUrl,
    ANTHROPIC_API_KEY: "scripted-model-key",
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: "1",
    // Claude Code refuses to skip permissions as root unless told it runs in a sandbox.
    IS_SANDBOX: "1",
    ...options.extraEnv,
  };
  const start = (extraEnv?: NodeJS.ProcessEnv) =>
    capture("node", ["scripts/run.mjs", "start"], {
      cwd: dir,
      env: { ...env, ...extraEnv },
      timeoutMs: 10 * 60_000,
    });
  const stop = async () => {
    const stopped = await capture("node", ["scripts/run.mjs", "stop"], { cwd: dir, env, timeoutMs: 2 * 60_000 });
    if (stopped.code !== 0) await forceStop(dir);
    return stopped;
  };
  const started = await start();
  if (started.code !== 0) {
    await stop();
    throw new Error(`npm start failed (exit ${started.code}):\n${started.output.slice(-6000)}`);
  }
  const platform: RunningPlatform = {
    dir,
    coreBackUrl: `http://127.0.0.1:${coreBackPort}`,
    consoleUrl: `http://127.0.0.1:${consolePort}`,
    admin,
    startOutput: started.output,
    env,
    async agent() {
      const { name } = JSON.parse(readFileSync(join(dir, ".data", "platform-agent.json"), "utf8")) as { name: string };
      const state = await new FileContainerRegistry(join(dir, ".container-registry.jsonl")).find(name);
      if (state === null) throw new Error(`the platform agent ${name} is not in the registry`);
      return { state, client: createClient(state) };
    },
    start,
    stop,
  };
  return platform;
}

/**
 * When `npm run stop` failed: ends supervisord (which stops its services) and the agent's
 * process group by their pids, so nothing outlives the checkout about to be deleted.
 */
async function forceStop(dir: string): Promise<void> {
  const pidFile = join(dir, ".data", "supervisor", "supervisord.pid");
  const stops: Promise<unknown>[] = [];
  // supervisord (run in the foreground or not, so maybe no group of its own) stops its
  // services on SIGTERM, then exits: wait for that.
  const supervisord = existsSync(pidFile) ? Number(readFileSync(pidFile, "utf8").trim()) : NaN;
  if (Number.isInteger(supervisord) && isAlive(supervisord)) {
    process.kill(supervisord, "SIGTERM");
    stops.push(
      (async () => {
        for (let i = 0; i < 100 && isAlive(supervisord); i += 1) await sleep(100);
      })(),
    );
  }
  // Each agent leads a process group of its own (the SDK spawns it detached).
  const registry = join(dir, ".container-registry.jsonl");
  if (existsSync(registry)) {
    const agents = await new FileContainerRegistry(registry).getRecent(100);
    for (const agent of agents)
      if (agent.pid !== undefined) stops.push(terminate({ group: agent.pid }, { graceMs: 2_000 }));
  }
  await Promise.all(stops);
}

/** Signs in to core-back's Better-Auth and returns the session cookie. */
export async function signIn(coreBackUrl: string, admin: { email: string; password: string }): Promise<string> {
  const response = await fetch(`${coreBackUrl}/api/auth/sign-in/email`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: coreBackUrl },
    body: JSON.stringify(admin),
  });
  if (!response.ok) throw new Error(`sign-in failed: HTTP ${response.status} ${await response.text()}`);
  const cookies = response.headers.getSetCookie().map((cookie) => cookie.split(";")[0]);
  return cookies.join("; ");
}
