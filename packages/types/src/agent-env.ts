import type { AgentKind } from "./container.js";

/**
 * The environment variables each agent CLI takes its model credentials from: any one of
 * an agent's list, set and not blank, is enough. The first is the one to suggest.
 *
 * @example
 * ```ts
 * import { AGENT_CREDENTIAL_VARIABLES } from "@app-building/types";
 * const hasKey = AGENT_CREDENTIAL_VARIABLES.claude.some((name) => (process.env[name] ?? "").trim() !== "");
 * ```
 */
export const AGENT_CREDENTIAL_VARIABLES = {
  claude: ["ANTHROPIC_API_KEY", "ANTHROPIC_AUTH_TOKEN", "CLAUDE_CODE_OAUTH_TOKEN"],
  codex: ["OPENAI_API_KEY", "CODEX_API_KEY"],
} as const satisfies Record<Exclude<AgentKind, "command">, readonly [string, ...string[]]>;

/**
 * What a caller's environment passes on to an agent container when set: every agent's
 * credentials ({@link AGENT_CREDENTIAL_VARIABLES}) and the settings that say how its CLI
 * reaches its model and runs.
 *
 * @example
 * ```ts
 * import { FileContainerRegistry, startContainer, type ContainerConfig } from "@app-building/sdk";
 * import { AGENT_ENVIRONMENT_VARIABLES } from "@app-building/types";
 * const envVars: Record<string, string> = {};
 * for (const name of AGENT_ENVIRONMENT_VARIABLES) {
 *   const value = process.env[name];
 *   if (value !== undefined && value !== "") envVars[name] = value;
 * }
 * const config: ContainerConfig = { envVars, registry: new FileContainerRegistry(".container-registry.jsonl") };
 * const state = await startContainer(config, { repoUrl: "https://github.com/acme/app.git", cloneBranch: "main" });
 * ```
 */
export const AGENT_ENVIRONMENT_VARIABLES = [
  ...AGENT_CREDENTIAL_VARIABLES.claude,
  "ANTHROPIC_BASE_URL",
  "ANTHROPIC_MODEL",
  "CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC",
  ...AGENT_CREDENTIAL_VARIABLES.codex,
  "IS_SANDBOX",
] as const;
