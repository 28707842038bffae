// `npm start` after the build: supervisord with core-back and the console, the first
// admin, the platform's agent container, then how to use it all. Run again, it reuses
// what runs (restarting a service only when its build changed).
import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync } from "node:fs";
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
 * Makes sure a known-good release is live (`<data>/releases/current`): the first time,
 * the checkout is snapshotted into a release and built there (core-back's release CLI,
 * the same code a deploy runs), so the services run from a release from the start.
 *
 * @param {PlatformSettings} settings
 * @param {Say} say
 */
function ensureRelease(settings, say) {
  const cli = join(settings.root, "apps", "core-back", "dist", "cli", "release.js");
  if (!existsSync(cli)) throw new Error(`${cli} is missing: the platform build did not produce it`);
  const args = [
    cli,
    "ensure",
    "--releases",
    settings.releasesDir,
    "--cache",
    settings.turboCacheDir,
    "--logs",
    settings.logDir,
  ];
  const result = spawnSync(process.execPath, args, {
    cwd: settings.root,
    env: { ...settings.env, WORKSPACE_DIR: settings.root },
    encoding: "utf8",
  });
  if (result.status !== 0) throw new Error(`no release to run: ${`${result.stderr}${result.stdout}`.trim()}`);
  const parsed = /** @type {unknown} */ (JSON.parse(String(result.stdout)));
  const { release, created } = /** @type {{ release: string, created: boolean }} */ (parsed);
  say(created ? `built the first release ${release} from this checkout` : `live release: ${release}`);
  return release;
}

/**
 * The release a service reports on its health URL, or null when it does not answer.
 *
 * @param {string} healthUrl
 */
async function runningRelease(healthUrl) {
  try {
    const response = await fetch(healthUrl, { signal: AbortSignal.timeout(2_000) });
    const body = /** @type {{ release?: unknown }} */ (await response.json());
    return typeof body.release === "string" ? body.release : null;
  } catch {
    return null;
  }
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
 * Brings the already running supervisord in line with the config and the live release.
 *
 * @param {PlatformSettings} settings
 * @param {Say} say
 * @param {boolean} configChanged
 * @param {string} release
 */
async function reconcile(settings, say, configChanged, release) {
  if (configChanged) {
    ctl(settings, ["reread"], "supervisorctl reread");
    const update = ctl(settings, ["update"], "supervisorctl update");
    if (update !== "") say(`supervisord took the new configuration:\n  ${update.split("\n").join("\n  ")}`);
  }
  const states = programStates(settings);
  for (const program of platformPrograms(settings)) {
    const current = states.get(program.name);
    if (current === undefined || current.state !== "RUNNING") {
      say(`starting ${program.name} (it was ${current?.state ?? "unknown"})`);
      ctl(settings, ["start", program.name], `starting ${program.name}`);
      continue;
    }
    const running = await runningRelease(program.healthUrl);
    if (running !== release) {
      say(`restarting ${program.name}: it runs ${running ?? "no release"}, the live release is ${release}`);
      ctl(settings, ["restart", program.name], `restarting ${program.name}`);
    } else {
      say(`${program.name} is already running release ${release}: reusing it`);
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
  const release = ensureRelease(settings, say);
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
    await reconcile(settings, say, configChanged, release);
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
