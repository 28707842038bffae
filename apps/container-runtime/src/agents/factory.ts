import type { GroupRegistry } from "@app-building/types/process";
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

/** What every adapter is given besides its own settings. */
export interface AgentDeps {
  env: () => Record<string, string>;
  redactor: Redactor;
  /** The runtime's one registry of live agent process groups. */
  groups: GroupRegistry;
  /** How long an agent's own interrupt has before its group is signalled (`INTERRUPT_GRACE_MS` by default). */
  interruptGraceMs?: number;
}

/** Picks the adapter `AGENT` names. */
export function createAgent(config: Config, deps: AgentDeps): AgentAdapter {
  switch (config.agent) {
    case "command":
      return createCommandAgent({ command: config.agentCommand ?? "", promptMode: config.agentPromptMode, ...deps });
    case "claude":
      return createClaudeAgent({ bin: agentBin(config) ?? defaultClaudeBin(), ...deps });
    case "codex":
      return createCodexAgent({ bin: agentBin(config) ?? "codex", ...deps });
  }
}
