// The project's supervisord: one program per platform service, in its own process group,
// logs under the data dir. core-back restarts programs through the same socket.
import { spawn, spawnSync } from "node:child_process";
import { connect } from "node:net";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { loadBuilt } from "./built.mjs";

/** @import { ChildProcess } from "node:child_process" */
/** @import { PlatformSettings } from "./settings.mjs" */
/** @typedef {typeof import("../../packages/types/dist/wait-for-http.js")} WaitForHttp */
/**
 * @typedef {object} Program
 * @property {string} name the supervisord program name
 * @property {string} entry the built main.js it runs, through the live release's pointer
 * @property {string} healthUrl
 * @property {number} stopWaitSecs
 * @property {Record<string, string>} environment
 */
/** @typedef {{ code: number | null, signal: NodeJS.Signals | null }} ProcessExit */

/**
 * The supervised services: supervisord program name → how to run it.
 *
 * @param {PlatformSettings} settings
 * @returns {Program[]}
 */
export function platformPrograms(settings) {
  const { root, coreBackPort, consolePort, coreBackUrl, consoleUrl } = settings;
  // Every program runs the live release through the `current` link, so an autorestart, a
  // crash or a reboot runs the last release that passed its gate, never a failed build.
  const current = join(settings.releasesDir, "current");
  return [
    {
      name: "core-back",
      entry: join(current, "apps", "core-back", "dist", "main.js"),
      healthUrl: `${coreBackUrl}/health`,
      stopWaitSecs: 15,
      environment: {
        PORT: String(coreBackPort),
        HOST: "127.0.0.1",
        WORKSPACE_DIR: root,
        CORE_BACK_DATA_DIR: settings.coreBackDataDir,
        SUPERVISOR_SOCKET: settings.supervisorSocket,
        SELF_PROGRAM: "core-back",
        DEPLOY_MODE: settings.deployMode,
        BETTER_AUTH_URL: coreBackUrl,
        RELEASES_DIR: settings.releasesDir,
        TURBO_CACHE_DIR: settings.turboCacheDir,
        SERVICE_URLS: `console=${consoleUrl},core-back=${coreBackUrl}`,
      },
    },
    {
      name: "console",
      entry: join(current, "apps", "console", "dist", "main.js"),
      healthUrl: `${consoleUrl}/health`,
      stopWaitSecs: 5,
      environment: {
        PORT: String(consolePort),
        HOST: "127.0.0.1",
        CORE_BACK_URL: coreBackUrl,
        APP_BUILDING_REGISTRY: settings.registryPath,
      },
    },
  ];
}

// supervisord interpolates %(name)s in values: a literal % is written %%.
const escape = (/** @type {string} */ value) => value.replaceAll("%", "%%");
const quote = (/** @type {string} */ value) => `"${escape(value).replaceAll("\\", "\\\\").replaceAll('"', '\\"')}"`;

/**
 * supervisord.conf for the platform.
 *
 * @param {PlatformSettings} settings
 */
export function renderConfig(settings) {
  const { supervisorSocket, supervisorPidFile, logDir, root } = settings;
  const lines = [
    "; Written by `npm start` (scripts/platform): edit scripts/platform/supervisor.mjs, not this file.",
    "[unix_http_server]",
    `file=${escape(supervisorSocket)}`,
    "chmod=0700",
    "",
    "[supervisord]",
    `logfile=${escape(join(logDir, "supervisord.log"))}`,
    "logfile_maxbytes=10MB",
    "logfile_backups=2",
    `pidfile=${escape(supervisorPidFile)}`,
    `childlogdir=${escape(logDir)}`,
    `directory=${escape(root)}`,
    "identifier=app-building",
    // supervisord warns when it runs as root without saying so; it never switches users here.
    ...(process.getuid?.() === 0 ? ["user=root"] : []),
    "",
    "[rpcinterface:supervisor]",
    "supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface",
    "",
    "[supervisorctl]",
    `serverurl=unix://${escape(supervisorSocket)}`,
  ];
  for (const program of platformPrograms(settings)) {
    const environment = Object.entries(program.environment)
      .map(([key, value]) => `${key}=${quote(value)}`)
      .join(",");
    lines.push(
      "",
      `[program:${program.name}]`,
      // supervisord splits the command like a shell: quoted, a path may hold spaces.
      `command=${quote(process.execPath)} ${quote(program.entry)}`,
      `directory=${escape(root)}`,
      `environment=${environment}`,
      "autostart=true",
      "autorestart=true",
      "startsecs=1",
      "startretries=3",
      "stopsignal=TERM",
      `stopwaitsecs=${program.stopWaitSecs}`,
      // Node wrappers spawn children (turbo, tsc, agents): stop and kill the whole group.
      "stopasgroup=true",
      "killasgroup=true",
      `stdout_logfile=${escape(join(logDir, `${program.name}.log`))}`,
      "stdout_logfile_maxbytes=10MB",
      "stdout_logfile_backups=3",
      "redirect_stderr=true",
    );
  }
  return `${lines.join("\n")}\n`;
}

/**
 * Writes the configuration; true when it changed.
 *
 * @param {PlatformSettings} settings
 */
export function writeConfig(settings) {
  mkdirSync(settings.supervisorDir, { recursive: true });
  mkdirSync(settings.logDir, { recursive: true });
  const text = renderConfig(settings);
  const before = existsSync(settings.supervisorConf) ? readFileSync(settings.supervisorConf, "utf8") : null;
  if (before === text) return false;
  writeFileSync(settings.supervisorConf, text);
  return true;
}

/**
 * Runs supervisorctl against the platform's supervisord.
 *
 * @param {PlatformSettings} settings
 * @param {string[]} args
 * @returns {{ status: number, output: string }}
 */
export function supervisorctl(settings, args) {
  const result = spawnSync("supervisorctl", ["-c", settings.supervisorConf, ...args], { encoding: "utf8" });
  if (result.error) throw new Error(`could not run supervisorctl: ${result.error.message}`);
  return { status: result.status ?? 1, output: `${result.stdout}${result.stderr}`.trim() };
}

/**
 * True when the platform's supervisord answers on its socket.
 *
 * @param {PlatformSettings} settings
 */
export function supervisordAnswers(settings) {
  if (!existsSync(settings.supervisorConf) || !existsSync(settings.supervisorSocket)) return false;
  const { status, output } = supervisorctl(settings, ["pid"]);
  return status === 0 && /^\d+$/.test(output);
}

/**
 * Each program's state and how long it has run, from `supervisorctl status`.
 *
 * @param {PlatformSettings} settings
 */
export function programStates(settings) {
  /** @type {Map<string, { state: string, detail: string, uptimeS: number | null }>} */
  const states = new Map();
  for (const line of supervisorctl(settings, ["status"]).output.split("\n")) {
    const match = /^(\S+)\s+([A-Z]+)\s*(.*)$/.exec(line.trim());
    if (match === null) continue;
    const [, name = "", state = "", detail = ""] = match;
    const uptime = /uptime (?:(\d+) days?, )?(\d+):(\d{2}):(\d{2})/.exec(detail);
    const uptimeS =
      uptime === null
        ? null
        : Number(uptime[1] ?? 0) * 86_400 + Number(uptime[2]) * 3600 + Number(uptime[3]) * 60 + Number(uptime[4]);
    states.set(name, { state, detail, uptimeS });
  }
  return states;
}

/**
 * Starts supervisord as a daemon and waits until its socket answers, or (foreground)
 * as a child that stays attached; returns that child and a promise of its exit.
 *
 * @param {PlatformSettings} settings
 * @param {{ foreground: boolean }} options
 * @returns {Promise<{ child: ChildProcess, exited: Promise<ProcessExit> } | null>}
 */
export async function startSupervisord(settings, { foreground }) {
  const args = ["-c", settings.supervisorConf, ...(foreground ? ["-n"] : [])];
  const child = spawn("supervisord", args, {
    cwd: settings.root,
    env: settings.env,
    stdio: foreground ? ["ignore", "inherit", "inherit"] : "inherit",
  });
  const spawned = new Promise((resolve, reject) => {
    child.once("error", (error) => reject(new Error(`could not run supervisord: ${error.message}`)));
    child.once("spawn", resolve);
  });
  await spawned;
  // Set by the exit listener while the loop below waits: the cast keeps tsc from taking
  // the null it starts as for the only value it can have there.
  let exit = /** @type {ProcessExit | null} */ (null);
  /** @type {Promise<ProcessExit>} */
  const exited = new Promise((resolve) =>
    child.once("exit", (code, signal) => {
      exit = { code, signal };
      resolve(exit);
    }),
  );
  const deadline = Date.now() + 15_000;
  while (!supervisordAnswers(settings)) {
    if (exit !== null && (foreground || exit.code !== 0)) {
      throw new Error(
        `supervisord exited (${exit.signal ?? `exit ${exit.code}`}): see ${logPath(settings, "supervisord")}`,
      );
    }
    if (Date.now() > deadline)
      throw new Error(`supervisord did not answer on ${settings.supervisorSocket} within 15 s`);
    await sleep(100);
  }
  return foreground ? { child, exited } : null;
}

/**
 * A program's log file.
 *
 * @param {PlatformSettings} settings
 * @param {string} name
 */
export function logPath(settings, name) {
  return join(settings.logDir, `${name}.log`);
}

/**
 * The last lines of a log file, for an error message.
 *
 * @param {string} path
 */
export function logTail(path, lines = 20) {
  if (!existsSync(path)) return "(no log yet)";
  return readFileSync(path, "utf8").trimEnd().split("\n").slice(-lines).join("\n");
}

/**
 * True when something accepts connections on 127.0.0.1:`port`.
 *
 * @param {number} port
 * @returns {Promise<boolean>}
 */
export function portInUse(port) {
  return new Promise((resolve) => {
    const socket = connect({ host: "127.0.0.1", port });
    socket.setTimeout(1_000);
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("timeout", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

/**
 * Waits until supervisord says `program` is RUNNING and its health URL answers 2xx; fails
 * at once, with the program's log, when supervisord gives up on it. Called after the build (it uses the built types package).
 *
 * @param {PlatformSettings} settings
 * @param {Program} program
 * @param {number} timeoutMs
 */
export async function waitForProgram(settings, program, timeoutMs) {
  const { HttpWaitError, waitForHttp } = /** @type {WaitForHttp} */ (
    await loadBuilt(settings, "packages/types/dist/wait-for-http.js", "the types package")
  );
  let state = "UNKNOWN";
  const readState = () => (state = programStates(settings).get(program.name)?.state ?? "UNKNOWN");
  const giveUp = () => {
    readState();
    return state === "FATAL" || state === "EXITED" || state === "STOPPED" ? `supervisord reports ${state}` : null;
  };
  try {
    const response = await waitForHttp(program.healthUrl, {
      timeoutMs,
      intervalMs: 150,
      attemptTimeoutMs: 2_000,
      // Up means both: supervisord counts it RUNNING (it outlived startsecs) and it answers.
      accept: () => (readState() === "RUNNING" ? null : `answered, but supervisord reports ${state}`),
      giveUp,
    });
    await response.body?.cancel();
  } catch (error) {
    // The time is up: say whether supervisord ever got the program running.
    if (!(error instanceof HttpWaitError) || !error.timedOut || state === "RUNNING") throw error;
    throw new Error(`${error.message}; supervisord reports ${state}`, { cause: error });
  }
}
