import type { Config } from "../env.js";
import type { Redactor } from "../redact.js";
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
export function createAgent(config: Config, env: () => Record<string, string>, redactor: Redactor): AgentAdapter {
  switch (config.agent) {
    case "command":
      return createCommandAgent({
        command: config.agentCommand ?? "",
        promptMode: config.agentPromptMode,
        env,
        redactor,
      });
    case "claude":
      return createClaudeAgent({ bin: agentBin(config) ?? defaultClaudeBin(), env, redactor });
    case "codex":
      return createCodexAgent({ bin: agentBin(config) ?? "codex", env, redactor });
  }
}
