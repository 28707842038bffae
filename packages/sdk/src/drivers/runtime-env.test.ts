import { describe, expect, it } from "vitest";
import type { ContainerRegistry } from "../registry/registry.js";
import type { ContainerConfig, RepoOptions } from "../state.js";
import { portOf, newContainerName } from "./names.js";
import { runtimeEnv } from "./runtime-env.js";

const registry = {} as ContainerRegistry;
const repo: RepoOptions = { repoUrl: "/srv/app.git", cloneBranch: "feature-x,main", pushBranch: "agent/x" };

function envOf(config: Partial<ContainerConfig>, r: RepoOptions = repo): Record<string, string> {
  return runtimeEnv({ config: { registry, ...config }, repo: r, containerName: "c1", token: "t1" });
}

describe("the runtime environment a config makes", () => {
  it("passes `env` through to the agent, under the variables the SDK owns", () => {
    const env = envOf({
      envVars: { SHARED: "from envVars", ONLY_VARS: "1" },
      env: { SHARED: "from env", DATABASE_URL: "postgres://db", CONTAINER_NAME: "hijack", PUSH_BRANCH: "main" },
    });
    expect(env).toMatchObject({ SHARED: "from env", ONLY_VARS: "1", DATABASE_URL: "postgres://db" });
    expect(env.CONTAINER_NAME).toBe("c1");
    expect(env.PUSH_BRANCH).toBe("agent/x");
  });

  it("keeps the comma list of clone branches for the runtime to pick from", () => {
    expect(envOf({}).CLONE_BRANCH).toBe("feature-x,main");
  });

  it("asks for no commits when the repo has no pushBranch, and for the default branch when it is empty", () => {
    const without = envOf({}, { repoUrl: "/srv/app.git", cloneBranch: "main" });
    expect(without.NO_COMMIT).toBe("1");
    expect(without.PUSH_BRANCH).toBeUndefined();
    const empty = envOf({}, { repoUrl: "/srv/app.git", cloneBranch: "main", pushBranch: "" });
    expect(empty.NO_COMMIT).toBeUndefined();
    expect(empty.PUSH_BRANCH).toBeUndefined();
  });

  it("maps the seed's agentCommand onto an agent", () => {
    expect(envOf({ agentCommand: "codex" })).toMatchObject({ AGENT: "codex" });
    expect(envOf({ agentCommand: "claude" }).AGENT_COMMAND).toBeUndefined();
    expect(envOf({ agentCommand: "gemini --yolo" })).toMatchObject({
      AGENT: "command",
      AGENT_COMMAND: "gemini --yolo",
    });
    expect(envOf({ agent: "claude", model: "opus" })).toMatchObject({ AGENT: "claude", MODEL: "opus" });
    expect(envOf({})).not.toHaveProperty("AGENT");
  });
});

describe("container names and ports", () => {
  it("starts names with namePrefix, app-building by default", () => {
    expect(newContainerName("review-bot")).toMatch(/^review-bot-[0-9a-f]{10}$/);
    expect(newContainerName(undefined)).toMatch(/^app-building-[0-9a-f]{10}$/);
  });

  it("reads the port of a base URL", () => {
    expect(portOf("http://127.0.0.1:3100")).toBe(3100);
    expect(portOf("https://agents.fly.dev")).toBe(443);
  });
});
