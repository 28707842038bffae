import { accessSync, constants, existsSync, readFileSync, statSync } from "node:fs";
import { homedir } from "node:os";
import { delimiter, join } from "node:path";
import { AGENT_CREDENTIAL_VARIABLES, type AgentKind } from "@app-building/types";

/** What {@link agentProblems} looks at: the agent, the CLI it spawns, the environment it gets. */
export interface ReadinessInput {
  agent: AgentKind;
  /** The CLI the adapter spawns (a path, or a name looked up on `PATH`); `null` for the command agent. */
  bin: string | null;
  /** The environment the agent process runs with: where its key, home and `PATH` come from. */
  env: Record<string, string>;
  /** The home directory when `env` has no `HOME`. */
  homeDir?: string;
  platform?: NodeJS.Platform;
}

/** Claude Code on a cloud provider authenticates with that provider's credentials, which we cannot check. */
const CLAUDE_PROVIDERS = ["CLAUDE_CODE_USE_BEDROCK", "CLAUDE_CODE_USE_VERTEX"];

const INSTALL: Record<"claude" | "codex", { name: string; how: string; variable: string }> = {
  claude: { name: "Claude Code", how: "npm install -g @anthropic-ai/claude-code", variable: "CLAUDE_BIN" },
  codex: { name: "the Codex CLI", how: "npm install -g @openai/codex", variable: "CODEX_BIN" },
};

/**
 * What keeps the agent from working, each as a sentence saying what to do: its CLI cannot
 * be found, or it has no credentials for its model API. Empty for the command agent and
 * for an agent that looks ready. Reads a few files: call it now and then, not per request.
 */
export function agentProblems(input: ReadinessInput): string[] {
  if (input.agent === "command") return [];
  const problems: string[] = [];
  const env = input.env;
  const home = nonEmpty(env.HOME) ?? input.homeDir ?? homedir();
  if (input.bin !== null && findExecutable(input.bin, env.PATH ?? "") === null) {
    const { name, how, variable } = INSTALL[input.agent];
    const where = input.bin.includes("/")
      ? `${input.bin} does not exist or is not executable`
      : `${input.bin} is not on PATH`;
    problems.push(
      `the ${input.agent} agent's CLI cannot be found (${where}): install ${name} (${how}) or set ${variable} to its path.`,
    );
  }
  if (input.agent === "claude" && !claudeHasCredentials(env, home)) {
    const keychain =
      input.platform === "darwin"
        ? " A login kept in the macOS Keychain cannot be seen from here; ignore this if you use one."
        : "";
    problems.push(`${missingKey("claude")} in the container's environment.${keychain}`);
  }
  if (input.agent === "codex") {
    const authFile = join(nonEmpty(env.CODEX_HOME) ?? join(home, ".codex"), "auth.json");
    if (!hasKey("codex", env) && !existsSync(authFile)) {
      problems.push(
        `${missingKey("codex")} in the container's environment, or run \`codex login\` so ${authFile} exists.`,
      );
    }
  }
  return problems;
}

/** Whether one of the agent's credential variables is set and not blank. */
function hasKey(agent: keyof typeof AGENT_CREDENTIAL_VARIABLES, env: Record<string, string>): boolean {
  return AGENT_CREDENTIAL_VARIABLES[agent].some((name) => nonEmpty(env[name]) !== undefined);
}

/** "X is not set: ... Set X (or Y / Z)": the first credential variable is the one to suggest. */
function missingKey(agent: keyof typeof AGENT_CREDENTIAL_VARIABLES): string {
  const [first, ...others] = AGENT_CREDENTIAL_VARIABLES[agent];
  return `${first} is not set: the ${agent} agent cannot answer prompts. Set ${first} (or ${others.join(" / ")})`;
}

function claudeHasCredentials(env: Record<string, string>, home: string): boolean {
  if (hasKey("claude", env)) return true;
  if (CLAUDE_PROVIDERS.some((name) => isTruthy(env[name]))) return true;
  const configDirs = [nonEmpty(env.CLAUDE_CONFIG_DIR), join(home, ".claude")].filter((dir) => dir !== undefined);
  return configDirs.some(
    (dir) => existsSync(join(dir, ".credentials.json")) || hasApiKeyHelper(join(dir, "settings.json")),
  );
}

/** Whether a Claude Code settings file names an `apiKeyHelper` (a command that prints a key). */
function hasApiKeyHelper(settingsFile: string): boolean {
  try {
    const settings = JSON.parse(readFileSync(settingsFile, "utf8")) as { apiKeyHelper?: unknown };
    return typeof settings.apiKeyHelper === "string" && settings.apiKeyHelper.trim() !== "";
  } catch {
    return false;
  }
}

/**
 * The file a spawn of `bin` would run: `bin` itself when it names a path, else the first
 * executable regular file called `bin` in a `PATH` directory; `null` when there is none.
 */
export function findExecutable(bin: string, pathVariable: string): string | null {
  const candidates = bin.includes("/")
    ? [bin]
    : pathVariable
        .split(delimiter)
        .filter((dir) => dir !== "")
        .map((dir) => join(dir, bin));
  return candidates.find(isExecutableFile) ?? null;
}

function isExecutableFile(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === "" ? undefined : value;
}

function isTruthy(value: string | undefined): boolean {
  return value !== undefined && ["1", "true", "yes"].includes(value.trim().toLowerCase());
}
