// The platform's settings for the start and stop commands, read once from the environment.
import { isAbsolute, join, resolve } from "node:path";

/** @typedef {"claude" | "codex" | "none"} PlatformAgent */
/** @typedef {ReturnType<typeof platformSettings>} PlatformSettings */

/** @type {readonly PlatformAgent[]} */
const AGENTS = ["claude", "codex", "none"];

/**
 * @param {NodeJS.ProcessEnv} env
 * @param {string} name
 * @param {number} fallback
 * @returns {number}
 */
function port(env, name, fallback) {
  const raw = env[name];
  if (raw === undefined || raw.trim() === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1 || value > 65535) {
    throw new Error(`${name}=${raw} is not a port: use a whole number from 1 to 65535`);
  }
  return value;
}

/**
 * @param {NodeJS.ProcessEnv} env
 * @param {string} name
 * @returns {string | undefined}
 */
function text(env, name) {
  const value = env[name];
  return value === undefined || value.trim() === "" ? undefined : value;
}

/**
 * Where everything lives and on which ports, from the environment:
 *   CORE_BACK_PORT (4000), CONSOLE_PORT (4001), APP_BUILDING_DATA_DIR (<root>/.data),
 *   APP_BUILDING_REGISTRY (<root>/.container-registry.jsonl), APP_BUILDING_AGENT
 *   (claude | codex | none), ADMIN_EMAIL + ADMIN_PASSWORD, DEPLOY_MODE.
 *
 * @param {string} root
 * @param {NodeJS.ProcessEnv} [env]
 */
export function platformSettings(root, env = process.env) {
  const coreBackPort = port(env, "CORE_BACK_PORT", 4000);
  const consolePort = port(env, "CONSOLE_PORT", 4001);
  if (coreBackPort === consolePort) throw new Error(`CORE_BACK_PORT and CONSOLE_PORT are both ${coreBackPort}`);
  const dataDir = resolve(root, text(env, "APP_BUILDING_DATA_DIR") ?? ".data");
  const agentName = text(env, "APP_BUILDING_AGENT") ?? "claude";
  const agent = AGENTS.find((known) => known === agentName);
  if (agent === undefined) throw new Error(`APP_BUILDING_AGENT=${agentName}: use one of ${AGENTS.join(", ")}`);
  const deployMode = text(env, "DEPLOY_MODE") ?? "restricted";
  if (deployMode !== "restricted" && deployMode !== "unrestricted") {
    throw new Error(`DEPLOY_MODE=${deployMode}: use restricted or unrestricted`);
  }
  const email = text(env, "ADMIN_EMAIL");
  const password = text(env, "ADMIN_PASSWORD");
  if ((email === undefined) !== (password === undefined)) {
    throw new Error("set both ADMIN_EMAIL and ADMIN_PASSWORD, or neither (a first admin is then generated)");
  }
  const registry = text(env, "APP_BUILDING_REGISTRY");
  const supervisorDir = join(dataDir, "supervisor");
  return {
    root,
    dataDir,
    coreBackPort,
    consolePort,
    coreBackUrl: `http://127.0.0.1:${coreBackPort}`,
    consoleUrl: `http://127.0.0.1:${consolePort}`,
    coreBackDataDir: join(dataDir, "core-back"),
    releasesDir: join(dataDir, "releases"),
    turboCacheDir: join(dataDir, "turbo-cache"),
    logDir: join(dataDir, "logs"),
    supervisorDir,
    supervisorConf: join(supervisorDir, "supervisord.conf"),
    supervisorSocket: join(supervisorDir, "supervisor.sock"),
    supervisorPidFile: join(supervisorDir, "supervisord.pid"),
    registryPath: registry === undefined ? join(root, ".container-registry.jsonl") : resolveFrom(root, registry),
    agentFile: join(dataDir, "platform-agent.json"),
    adminFile: join(dataDir, "admin.json"),
    agent,
    deployMode,
    admin: email === undefined || password === undefined ? null : { email, password },
    env,
  };
}

/**
 * @param {string} root
 * @param {string} path
 */
function resolveFrom(root, path) {
  return isAbsolute(path) ? path : resolve(root, path);
}
