import type { Config } from "../env.js";
import { createClaudeAgent, defaultClaudeBin } from "./claude.js";
import { createCodexAgent } from "./codex.js";
import { createCommandAgent } from "./command.js";
import type { AgentAdapter } from "./types.js";

/** The CLI the adapter for `AGENT` spawns (a path, or a name looked up on `PATH`); `null` for the command agent. */
export function agentBin(config: Pick<Config, "agent" | "claudeBin" | "codexBin">): string | null {
  switch (config.agent) {
    case "command":
      return null;
    case "claude":
      return config.claudeBin ?? defaultClaudeBin();
    case "codex":
      return config.codexBin ?? "codex";
  }
}

/** Picks the adapter `AGENT` names. */
export function createAgent(config: Config, env: () => Record<string, string>): AgentAdapter {
  switch (config.agent) {
    case "command":
      return createCommandAgent({ command: config.agentCommand ?? "", promptMode: config.agentPromptMode, env });
    case "claude":
      return createClaudeAgent({ bin: agentBin(config) ?? defaultClaudeBin(), env });
    case "codex":
      return createCodexAgent({ bin: agentBin(config) ?? "codex", env });
  }
}
