// `npm start` after the build: supervisord with core-back and the console, the first
// admin, the platform's agent container, then how to use it all. Run again, it reuses
// what runs (restarting a service only when its build changed).
import { chmodSync, existsSync, mkdirSync, readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { ensureAdmin } from "./admin.mjs";
import { agentProblems, ensureAgent, installSkills, stopAgent } from "./agent.mjs";
import {
  logPath,
  logTail,
  platformPrograms,
  portInUse,
  programStates,
  startSupervisord,
  supervisorctl,
  supervisordAnswers,
  waitForProgram,
  writeConfig,
} from "./supervisor.mjs";

/** @import { PlatformSettings } from "./settings.mjs" */
/** @typedef {(message: string) => void} Say */

const HEALTH_TIMEOUT_MS = 45_000;
// Docker gives a container 10 s between SIGTERM and SIGKILL by default.
const FOREGROUND_AGENT_STOP_MS = 7_000;

/**
 * The most recently modified file under `dirs`: `{ path, mtimeMs }` (mtimeMs 0 when none).
 *
 * @param {string[]} dirs
 */
function newestBuild(dirs) {
  /** @type {{ path: string | null, mtimeMs: number }} */
  let newest = { path: null, mtimeMs: 0 };
  const walk = (/** @type {string} */ dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile()) {
        const { mtimeMs } = statSync(path);
        if (mtimeMs > newest.mtimeMs) newest = { path, mtimeMs };
      }
    }
  };
  for (const dir of dirs) if (existsSync(dir)) walk(dir);
  return newest;
}

/**
 * The build output of the packages every service loads (each `dist` under packages/).
 *
 * @param {string} root
 */
function sharedOutputs(root) {
  const packages = join(root, "packages");
  return existsSync(packages) ? readdirSync(packages).map((name) => join(packages, name, "dist")) : [];
}

/**
 * @param {PlatformSettings} settings
 * @param {string[]} args
 * @param {string} what
 */
function ctl(settings, args, what) {
  const { status, output } = supervisorctl(settings, args);
  if (status !== 0) throw new Error(`${what} failed: ${output}`);
  return output;
}

/**
 * Brings the already running supervisord in line with the config and the latest build.
 *
 * @param {PlatformSettings} settings
 * @param {Say} say
 * @param {boolean} configChanged
 */
function reconcile(settings, say, configChanged) {
  if (configChanged) {
    ctl(settings, ["reread"], "supervisorctl reread");
    const update = ctl(settings, ["update"], "supervisorctl update");
    if (update !== "") say(`supervisord took the new configuration:\n  ${update.split("\n").join("\n  ")}`);
  }
  const states = programStates(settings);
  const sharedBuilt = newestBuild(sharedOutputs(settings.root));
  for (const program of platformPrograms(settings)) {
    const current = states.get(program.name);
    if (current === undefined || current.state !== "RUNNING") {
      say(`starting ${program.name} (it was ${current?.state ?? "unknown"})`);
      ctl(settings, ["start", program.name], `starting ${program.name}`);
      continue;
    }
    const startedMs = current.uptimeS === null ? Date.now() : Date.now() - current.uptimeS * 1000;
    const own = newestBuild([join(settings.root, "apps", program.name, "dist")]);
    const newest = own.mtimeMs >= sharedBuilt.mtimeMs ? own : sharedBuilt;
    if (newest.path !== null && newest.mtimeMs > startedMs) {
      const changed = `${relative(settings.root, newest.path)} at ${new Date(newest.mtimeMs).toISOString()}`;
      say(`restarting ${program.name}: its build is newer than the running process (${changed})`);
      ctl(settings, ["restart", program.name], `restarting ${program.name}`);
    } else {
      say(`${program.name} is already running: reusing it`);
    }
  }
}

/** @param {PlatformSettings} settings */
async function waitForServices(settings) {
  for (const program of platformPrograms(settings)) {
    try {
      await waitForProgram(settings, program, HEALTH_TIMEOUT_MS);
    } catch (error) {
      throw new Error(
        `${program.name} is not healthy: ${messageOf(error)}\n--- ${logPath(settings, program.name)} ---\n${logTail(logPath(settings, program.name))}`,
      );
    }
  }
}

/**
 * Before a fresh supervisord: the platform's ports must be free, or its services could never bind them.
 *
 * @param {PlatformSettings} settings
 */
async function checkPortsFree(settings) {
  /** @type {[string, number][]} */
  const ports = [
    ["CORE_BACK_PORT", settings.coreBackPort],
    ["CONSOLE_PORT", settings.consolePort],
  ];
  for (const [name, port] of ports) {
    if (await portInUse(port)) {
      throw new Error(
        `port ${port} (${name}) is already in use, and not by this platform's supervisord (${settings.supervisorConf}). ` +
          `Stop what listens there (a platform started with another APP_BUILDING_DATA_DIR: npm run stop with that data dir), or set ${name} to a free port.`,
      );
    }
  }
}

/**
 * @param {PlatformSettings} settings
 * @param {ReturnType<typeof ensureAdmin>} admin
 * @param {Awaited<ReturnType<typeof ensureAgent>>} agent
 * @param {string[]} problems
 * @param {boolean} foreground
 */
function usage(settings, admin, agent, problems, foreground) {
  const lines = ["the platform is running", ""];
  lines.push(`  console     ${settings.consoleUrl}`);
  if (admin.password !== null) {
    lines.push(`              sign in as ${admin.email} with password ${admin.password}`);
    if (admin.source === "generated")
      lines.push("              (shown once: keep it; set ADMIN_EMAIL/ADMIN_PASSWORD to choose your own)");
  } else {
    lines.push(`              sign in as ${admin.email} (its password was printed when it was created)`);
  }
  lines.push(`  core-back   ${settings.coreBackUrl}  (health: curl -sS ${settings.coreBackUrl}/health)`);
  lines.push(
    `  self-deploy curl -sS --max-time 600 -X POST ${settings.coreBackUrl}/api/v1/self/deploy -H "Authorization: Bearer $(cat ${join(settings.coreBackDataDir, "self-deploy.token")})" -H 'Content-Type: application/json' -d '{"scope":"platform"}'`,
  );
  if (agent === null) {
    lines.push("  agent       none (APP_BUILDING_AGENT=none)");
  } else {
    const name = agent.state.containerName;
    const defaultRegistry = join(settings.root, ".container-registry.jsonl");
    const cli =
      settings.registryPath === defaultRegistry
        ? "npx app-building"
        : `APP_BUILDING_REGISTRY=${relative(settings.root, settings.registryPath) || settings.registryPath} npx app-building`;
    lines.push(`  agent       ${name} (${agent.reused ? "already running" : "started"}; workspace: this checkout)`);
    lines.push(`              prompt it: ${cli} send ${name} "Change the console's title, then build"`);
    lines.push(`              or open ${settings.consoleUrl}/containers/${name}, or: ${cli} attach ${name}`);
    lines.push(`              status:    ${cli} status ${name}`);
    for (const problem of problems) lines.push(`              missing:   ${problem}`);
    if (problems.length > 0) {
      lines.push("              then run npm start again with it set: the agent restarts with the new environment");
    }
  }
  if (agent !== null) lines.push("              (run these from this checkout's root)");
  lines.push(`  logs        ${settings.logDir}/{core-back,console,supervisord}.log`);
  lines.push(`  supervisord supervisorctl -c ${settings.supervisorConf} status`);
  lines.push(
    foreground ? "  stop        SIGTERM or Ctrl+C (docker stop, in a container)" : "  stop        npm run stop",
  );
  return lines.join("\n");
}

/**
 * Starts (or reuses) the platform. With `foreground`, supervisord stays attached and this
 * resolves when it exits (for containers); SIGTERM/SIGINT stop everything.
 *
 * @param {PlatformSettings} settings
 * @param {{ foreground: boolean, say: Say }} options
 */
export async function startPlatform(settings, { foreground, say }) {
  // The data folder holds sessions, tokens, logs and the supervisor's socket: the user's alone, whatever the umask.
  mkdirSync(settings.dataDir, { recursive: true, mode: 0o700 });
  chmodSync(settings.dataDir, 0o700);
  for (const program of platformPrograms(settings)) {
    if (!existsSync(program.entry))
      throw new Error(`${program.entry} is missing: the platform build did not produce it`);
  }
  const skills = await installSkills(settings);
  say(`skills for the agent: ${skills.skills.join(", ")} in ${skills.dir}`);
  const configChanged = writeConfig(settings);
  let supervisor = null;
  if (supervisordAnswers(settings)) {
    if (foreground) {
      throw new Error(
        `supervisord already runs for ${settings.dataDir}: stop it first (npm run stop) to run in the foreground`,
      );
    }
    say(`supervisord already runs (${settings.supervisorConf})`);
    reconcile(settings, say, configChanged);
  } else {
    await checkPortsFree(settings);
    say(`starting supervisord (${settings.supervisorConf})`);
    supervisor = await startSupervisord(settings, { foreground });
  }
  // In the foreground, a signal at any point from here stops the agent (briefly: a
  // container's stop grace is short) and then supervisord with its services.
  let stopping = false;
  if (supervisor !== null) {
    const stop = () => {
      if (stopping) return;
      stopping = true;
      void stopAgent(settings, { timeoutMs: FOREGROUND_AGENT_STOP_MS })
        .catch((/** @type {unknown} */ error) => say(`stopping the agent failed: ${messageOf(error)}`))
        .finally(() => supervisor.child.kill("SIGTERM"));
    };
    process.once("SIGTERM", stop);
    process.once("SIGINT", stop);
  }
  try {
    await waitForServices(settings);
    const admin = ensureAdmin(settings);
    /** @type {Awaited<ReturnType<typeof ensureAgent>>} */
    let agent = null;
    /** @type {string[]} */
    let problems = [];
    try {
      agent = await ensureAgent(settings, { say });
      if (agent !== null) problems = await agentProblems(settings, agent.state);
    } catch (error) {
      throw new Error(`the platform runs, but its agent container did not start: ${messageOf(error)}`);
    }
    say(usage(settings, admin, agent, problems, foreground));
  } catch (error) {
    if (supervisor !== null) supervisor.child.kill("SIGTERM");
    throw error;
  }
  if (supervisor === null) return;
  const { code, signal } = await supervisor.exited;
  if (!stopping) {
    throw new Error(
      `supervisord exited on its own (${signal ?? `exit ${code}`}): see ${logPath(settings, "supervisord")}`,
    );
  }
}

/** @param {unknown} error */
function messageOf(error) {
  return error instanceof Error ? error.message : String(error);
}
