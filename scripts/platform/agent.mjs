// The platform's own agent container: the process driver, working directly in this
// checkout, with the build skill installed where Claude Code finds project skills.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { loadBuilt } from "./built.mjs";

/** @import { AgentState } from "../../packages/sdk/dist/index.js" */
/** @import { PlatformSettings } from "./settings.mjs" */
/** @typedef {typeof import("../../packages/sdk/dist/index.js")} Sdk */
/** @typedef {typeof import("../../skills/dist/index.js")} SkillsPackage */
/** @typedef {typeof import("../../packages/server-edge/dist/index.js")} ServerEdge */
/** @typedef {typeof import("../../packages/types/dist/index.js")} Types */
/** @typedef {{ name: string, envHash: string }} AgentMarker */

// What the agent may need from this environment besides the agents' own variables
// (AGENT_ENVIRONMENT_VARIABLES): the Claude Code config folder, a path on this machine,
// which the process driver's agent can use.
const PASSED_THROUGH_HERE = ["CLAUDE_CONFIG_DIR"];

/** @param {PlatformSettings} settings */
const loadSdk = async (settings) =>
  /** @type {Sdk} */ (await loadBuilt(settings, "packages/sdk/dist/index.js", "the SDK"));

/**
 * Installs the skills the agent should see into <checkout>/.claude/skills/ (git-ignored)
 * with the skills package's own installer, which refuses invalid ones; removes the build
 * skill of the other deploy mode.
 *
 * @param {PlatformSettings} settings
 */
export async function installSkills(settings) {
  const skills = /** @type {SkillsPackage} */ (await loadBuilt(settings, "skills/dist/index.js", "the skills package"));
  const target = join(settings.root, ".claude", "skills");
  const build = settings.deployMode === "unrestricted" ? "build-unrestricted" : "build";
  const other = build === "build" ? "build-unrestricted" : "build";
  rmSync(join(target, other), { recursive: true, force: true });
  return { dir: target, skills: skills.installSkills(target, [build, "tasks"]) };
}

/** @param {string} root */
function currentBranch(root) {
  const result = spawnSync("git", ["symbolic-ref", "--short", "-q", "HEAD"], { cwd: root, encoding: "utf8" });
  return result.status === 0 ? result.stdout.trim() : null;
}

/**
 * @param {PlatformSettings} settings
 * @returns {AgentMarker | null}
 */
function readMarker(settings) {
  if (!existsSync(settings.agentFile)) return null;
  try {
    /** @type {unknown} */
    const marker = JSON.parse(readFileSync(settings.agentFile, "utf8"));
    return /** @type {AgentMarker} */ (marker);
  } catch {
    return null;
  }
}

/**
 * The self-deploy token, which allows `POST /api/v1/self/deploy` and nothing else: kept
 * (0600) in core-back's data directory, where core-back reads the same file; whichever starts
 * first makes it.
 *
 * @param {PlatformSettings} settings
 */
export async function selfDeployToken(settings) {
  const edge = /** @type {ServerEdge} */ (
    await loadBuilt(settings, "packages/server-edge/dist/index.js", "the server-edge package")
  );
  return edge.readOrCreateSecret(join(settings.coreBackDataDir, "self-deploy.token"));
}

/**
 * What the agent is started with; a change (a new API key, another agent) means a new agent.
 *
 * @param {PlatformSettings} settings
 */
async function agentEnvironment(settings) {
  /** @type {Record<string, string>} */
  const envVars = {
    CORE_BACK_URL: settings.coreBackUrl,
    APP_BUILDING_DEPLOY_TOKEN: await selfDeployToken(settings),
  };
  const types = /** @type {Types} */ (await loadBuilt(settings, "packages/types/dist/index.js", "the types package"));
  for (const name of [...types.AGENT_ENVIRONMENT_VARIABLES, ...PASSED_THROUGH_HERE]) {
    const value = settings.env[name];
    if (value !== undefined && value !== "") envVars[name] = value;
  }
  const hash = createHash("sha256")
    .update(JSON.stringify({ agent: settings.agent, envVars }))
    .digest("hex");
  return { envVars, hash };
}

/**
 * Reuses the platform agent when it still answers and was started with the same
 * environment, else (re)starts it. Returns `{ state, reused }`, or null when
 * APP_BUILDING_AGENT=none.
 *
 * @param {PlatformSettings} settings
 * @param {{ say: (message: string) => void }} options
 * @returns {Promise<{ state: AgentState, reused: boolean } | null>}
 */
export async function ensureAgent(settings, { say }) {
  if (settings.agent === "none") return null;
  const sdk = await loadSdk(settings);
  const registry = new sdk.FileContainerRegistry(settings.registryPath);
  const { envVars, hash } = await agentEnvironment(settings);
  const marker = readMarker(settings);
  if (marker !== null) {
    const entry = await registry.find(marker.name);
    if (entry !== null && entry.stoppedAt === null && (await sdk.probeAlive(entry, 5_000))) {
      if (marker.envHash === hash) return { state: entry, reused: true };
      say(`the agent's environment changed (agent, model key or endpoint): restarting ${marker.name}`);
      await stopAgent(settings);
    }
  }
  const branch = currentBranch(settings.root);
  if (branch === null) {
    throw new Error(
      "this checkout is on a detached HEAD: check out a branch for the agent to commit to, then run again",
    );
  }
  const state = await sdk.startContainer(
    {
      driver: "process",
      projectRoot: settings.root,
      workspaceDir: settings.root,
      agent: settings.agent,
      registry,
      envVars,
    },
    { repoUrl: "", cloneBranch: "", pushBranch: branch },
  );
  writeFileSync(settings.agentFile, `${JSON.stringify({ name: state.containerName, envHash: hash })}\n`);
  return { state, reused: false };
}

/**
 * What the platform agent's status says is missing (empty when nothing is).
 *
 * @param {PlatformSettings} settings
 * @param {AgentState} state
 * @returns {Promise<string[]>}
 */
export async function agentProblems(settings, state) {
  const sdk = await loadSdk(settings);
  try {
    const status = await sdk.createClient(state).status();
    return Array.isArray(status.problems) ? status.problems : [];
  } catch (error) {
    return [`the agent did not answer its status: ${error instanceof Error ? error.message : String(error)}`];
  }
}

/**
 * Stops the platform agent (interrupt, commit, exit; its process group is removed even
 * when it does not answer) and marks it stopped. Returns its name, or null when there is
 * none. `timeoutMs` caps how long it may take to finish its turn.
 *
 * @param {PlatformSettings} settings
 * @param {{ timeoutMs?: number }} [options]
 */
export async function stopAgent(settings, { timeoutMs = 60_000 } = {}) {
  const marker = readMarker(settings);
  if (marker === null) return null;
  const sdk = await loadSdk(settings);
  const registry = new sdk.FileContainerRegistry(settings.registryPath);
  const entry = await registry.find(marker.name);
  if (entry !== null && entry.stoppedAt === null) {
    await sdk.stopContainer({ envVars: {}, registry }, entry, { timeoutMs });
  }
  rmSync(settings.agentFile, { force: true });
  return marker.name;
}
