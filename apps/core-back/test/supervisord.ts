import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { SupervisorClient } from "../src/supervisor/client.js";

/** One `[program:x]` section. */
export interface ProgramConfig {
  command: string;
  autostart?: boolean;
  /** supervisord restarts the program whenever it exits (default false). */
  autorestart?: boolean;
  startsecs?: number;
  /** How many failed starts supervisord retries (default 0). */
  startretries?: number;
  directory?: string;
  environment?: Record<string, string>;
}

/** A real supervisord on a temp socket, started and stopped by a test. */
export interface TestSupervisord {
  dir: string;
  socketPath: string;
  client: SupervisorClient;
  stop(): Promise<void>;
}

function section(name: string, program: ProgramConfig): string {
  const env = Object.entries(program.environment ?? {})
    .map(([key, value]) => `${key}="${value.replace(/"/g, '\\"')}"`)
    .join(",");
  return [
    `[program:${name}]`,
    `command=${program.command}`,
    `autostart=${program.autostart ?? true}`,
    `autorestart=${program.autorestart ?? false}`,
    `startsecs=${program.startsecs ?? 1}`,
    `startretries=${program.startretries ?? 0}`,
    "stopasgroup=true",
    "killasgroup=true",
    "stopwaitsecs=5",
    "redirect_stderr=true",
    ...(program.directory === undefined ? [] : [`directory=${program.directory}`]),
    ...(env === "" ? [] : [`environment=${env}`]),
    "",
  ].join("\n");
}

/** Starts supervisord (foreground, as a child of the test) with the given programs. */
export async function startSupervisord(programs: Record<string, ProgramConfig>): Promise<TestSupervisord> {
  const dir = mkdtempSync(join(tmpdir(), "core-back-sv-"));
  const socketPath = join(dir, "supervisor.sock");
  const config = [
    "[unix_http_server]",
    `file=${socketPath}`,
    "chmod=0700",
    "",
    "[supervisord]",
    "nodaemon=true",
    `logfile=${join(dir, "supervisord.log")}`,
    `pidfile=${join(dir, "supervisord.pid")}`,
    `childlogdir=${dir}`,
    "",
    "[rpcinterface:supervisor]",
    "supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface",
    "",
    "[supervisorctl]",
    `serverurl=unix://${socketPath}`,
    "",
    ...Object.entries(programs).map(([name, program]) => section(name, program)),
  ].join("\n");
  const configPath = join(dir, "supervisord.conf");
  writeFileSync(configPath, config);
  const child: ChildProcess = spawn("supervisord", ["-c", configPath], { stdio: "ignore" });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.once("error", () => undefined);
  const client = new SupervisorClient({ socketPath, timeoutMs: 30_000 });
  const deadline = Date.now() + 15_000;
  for (;;) {
    if (existsSync(socketPath)) {
      try {
        const state = (await client.call("supervisor.getState")) as { statename?: string };
        const infos = (await client.call("supervisor.getAllProcessInfo")) as { statename?: string }[];
        if (state.statename === "RUNNING" && infos.every((info) => info.statename !== "STARTING")) break;
      } catch {
        // not up yet
      }
    }
    if (Date.now() > deadline || child.exitCode !== null) {
      child.kill("SIGKILL");
      throw new Error(`supervisord did not come up (is it installed? run scripts/ensure/10-supervisor.sh); see ${dir}`);
    }
    await sleep(50);
  }
  return {
    dir,
    socketPath,
    client,
    stop: async () => {
      if (child.exitCode === null) {
        child.kill("SIGTERM");
        await Promise.race([exited, sleep(15_000)]);
        if (child.exitCode === null) child.kill("SIGKILL");
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
