import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { signalGroup } from "@app-building/types/process";
import type * as Sdk from "../../src/index.js";
import { requireBuiltSdk } from "./paths.js";

/** The built SDK, as an installed package would load it. */
export async function loadSdk(): Promise<typeof Sdk> {
  return (await import(requireBuiltSdk())) as typeof Sdk;
}

/** A scratch project folder with a registry, and every container started through it stopped at the end. */
export interface Project {
  root: string;
  config: Sdk.ContainerConfig;
  sdk: typeof Sdk;
  started: Sdk.AgentState[];
  start(overrides?: Partial<Sdk.ContainerConfig>, repo?: Partial<Sdk.RepoOptions>): Promise<Sdk.AgentState>;
  cleanup(): Promise<void>;
}

/** `AGENT=command` running `echo`: a real agent process that answers at once, for tests that are not about the agent. */
export const ECHO_AGENT = { agent: "command" as const, envVars: { AGENT_COMMAND: "echo reply:" } };

export async function createProject(base: Partial<Sdk.ContainerConfig> = {}): Promise<Project> {
  const sdk = await loadSdk();
  const root = await mkdtemp(join(tmpdir(), "sdk-project-"));
  const config: Sdk.ContainerConfig = {
    projectRoot: root,
    stateDir: join(root, "state"),
    envVars: {},
    registry: new sdk.FileContainerRegistry(join(root, ".container-registry.jsonl")),
    driver: "process",
    ...base,
  };
  const project: Project = {
    root,
    config,
    sdk,
    started: [],
    async start(overrides = {}, repo = {}) {
      const state = await sdk.startContainer(
        { ...config, ...overrides, envVars: { ...config.envVars, ...overrides.envVars } },
        { repoUrl: "", cloneBranch: "", pushBranch: "", ...repo },
      );
      project.started.push(state);
      return state;
    },
    async cleanup() {
      for (const state of project.started) {
        if (state.pid !== undefined) signalGroup(state.pid, "SIGKILL");
      }
      await rm(root, { recursive: true, force: true });
    },
  };
  return project;
}
