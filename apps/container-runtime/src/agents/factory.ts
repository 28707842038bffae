import type { Config } from "../env.js";
import { createClaudeAgent, defaultClaudeBin } from "./claude.js";
import { createCodexAgent } from "./codex.js";
import { createCommandAgent } from "./command.js";
import type { AgentAdapter } from "./types.js";

/** Picks the adapter `AGENT` names. */
export function createAgent(config: Config, env: () => Record<string, string>): AgentAdapter {
  switch (config.agent) {
    case "command":
      return createCommandAgent({ command: config.agentCommand ?? "", promptMode: config.agentPromptMode, env });
    case "claude":
      return createClaudeAgent({ bin: config.claudeBin ?? defaultClaudeBin(), env });
    case "codex":
      return createCodexAgent({ bin: config.codexBin ?? "codex", env });
  }
}
