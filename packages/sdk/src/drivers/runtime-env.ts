import type { ContainerConfig, RepoOptions } from "../state.js";

/** What every driver passes to the runtime besides the user's own `envVars`. */
export interface RuntimeEnvInput {
  config: ContainerConfig;
  repo: RepoOptions;
  containerName: string;
  token: string;
}

/**
 * The runtime's environment for one container: the user's `envVars`, then the settings
 * the SDK owns (name, token, git, agent, webhooks, detached mode), which win.
 */
export function runtimeEnv({ config, repo, containerName, token }: RuntimeEnvInput): Record<string, string> {
  const env: Record<string, string> = { ...config.envVars };
  env.CONTAINER_NAME = containerName;
  env.CONTAINER_TOKEN = token;
  if (repo.repoUrl !== "") env.REPO_URL = repo.repoUrl;
  if (repo.cloneBranch !== "") env.CLONE_BRANCH = repo.cloneBranch;
  if (repo.pushBranch !== "") env.PUSH_BRANCH = repo.pushBranch;
  if (config.agent !== undefined) env.AGENT = config.agent;
  if (config.model !== undefined) env.MODEL = config.model;
  if (config.webhookUrl !== undefined) env.WEBHOOK_URL = config.webhookUrl;
  if (config.webhookSecret !== undefined) env.WEBHOOK_SECRET = config.webhookSecret;
  if (config.detached === true) env.DETACHED = "1";
  if (config.initialPrompt !== undefined) env.INITIAL_PROMPT = config.initialPrompt;
  return env;
}
