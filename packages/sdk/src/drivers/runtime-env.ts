import type { ContainerConfig, RepoOptions } from "../state.js";

/** What every driver passes to the runtime besides the user's own `envVars`. */
export interface RuntimeEnvInput {
  config: ContainerConfig;
  repo: RepoOptions;
  containerName: string;
  token: string;
}

/** Variables the SDK sets itself: `config.env` cannot override them. */
const RESERVED = new Set([
  "CONTAINER_NAME",
  "CONTAINER_TOKEN",
  "REPO_URL",
  "CLONE_BRANCH",
  "PUSH_BRANCH",
  "NO_COMMIT",
  "AGENT",
  "AGENT_COMMAND",
  "MODEL",
  "WEBHOOK_URL",
  "WEBHOOK_SECRET",
  "DETACHED",
  "INITIAL_PROMPT",
  "PORT",
  "HOST",
  "DATA_DIR",
  "WORKSPACE_DIR",
]);

/** The agent a config asks for: `agent` when set, else what `agentCommand` names. */
function agentSettings(config: ContainerConfig): Record<string, string> {
  const command = config.agentCommand?.trim();
  if (command === undefined || command === "") return config.agent === undefined ? {} : { AGENT: config.agent };
  const named = command === "claude" || command === "codex" ? command : null;
  const agent = config.agent ?? named ?? "command";
  return agent === named ? { AGENT: agent } : { AGENT: agent, AGENT_COMMAND: command };
}

/**
 * The runtime's environment for one container: the user's `envVars`, then `env` (without
 * the names the SDK owns), then the settings the SDK owns (name, token, git, agent,
 * webhooks, detached mode), which win. A repo without `pushBranch` sets `NO_COMMIT=1`:
 * the runtime never commits or pushes.
 */
export function runtimeEnv({ config, repo, containerName, token }: RuntimeEnvInput): Record<string, string> {
  const env: Record<string, string> = { ...config.envVars };
  for (const [name, value] of Object.entries(config.env ?? {})) if (!RESERVED.has(name)) env[name] = value;
  env.CONTAINER_NAME = containerName;
  env.CONTAINER_TOKEN = token;
  if (repo.repoUrl !== "") env.REPO_URL = repo.repoUrl;
  if (repo.cloneBranch !== "") env.CLONE_BRANCH = repo.cloneBranch;
  if (repo.pushBranch === undefined) env.NO_COMMIT = "1";
  else if (repo.pushBranch !== "") env.PUSH_BRANCH = repo.pushBranch;
  Object.assign(env, agentSettings(config));
  if (config.model !== undefined) env.MODEL = config.model;
  if (config.webhookUrl !== undefined) env.WEBHOOK_URL = config.webhookUrl;
  if (config.webhookSecret !== undefined) env.WEBHOOK_SECRET = config.webhookSecret;
  if (config.detached === true) env.DETACHED = "1";
  if (config.initialPrompt !== undefined) env.INITIAL_PROMPT = config.initialPrompt;
  return env;
}

/** Variables of the caller's environment a local runtime needs to run at all (its tools, home, locale, proxies). */
const HOST_VARIABLES = new Set([
  "PATH",
  "HOME",
  "USER",
  "LOGNAME",
  "SHELL",
  "TMPDIR",
  "TMP",
  "TEMP",
  "TZ",
  "LANG",
  "LANGUAGE",
  "TERM",
  "XDG_CONFIG_HOME",
  "XDG_CACHE_HOME",
  "XDG_DATA_HOME",
  "XDG_STATE_HOME",
  "XDG_RUNTIME_DIR",
  "NODE_EXTRA_CA_CERTS",
  "SSL_CERT_FILE",
  "SSL_CERT_DIR",
  "GIT_SSL_CAINFO",
  "CURL_CA_BUNDLE",
  "HTTP_PROXY",
  "HTTPS_PROXY",
  "NO_PROXY",
  "http_proxy",
  "https_proxy",
  "no_proxy",
]);

/**
 * What a runtime started on this machine takes from the caller's environment: only what it
 * needs to run (PATH, HOME, locale, temp folder, proxies and CA certificates), never the
 * caller's settings (`REPO_URL`, `DETACHED`, API keys, ...): like the docker and fly drivers,
 * the runtime gets what the config says and nothing else.
 */
export function hostEnvironment(env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined) continue;
    if (HOST_VARIABLES.has(name) || name.startsWith("LC_")) kept[name] = value;
  }
  return kept;
}
