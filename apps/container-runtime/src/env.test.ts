import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { loadConfig } from "./env.js";

describe("loadConfig", () => {
  it("fills every default a bare container needs", () => {
    const config = loadConfig({ CONTAINER_TOKEN: "tok-123456" });
    expect(config.port).toBe(3000);
    expect(config.agent).toBe("claude");
    expect(config.dataDir).toBe("/data");
    expect(config.workspaceDir).toBe("/workspace");
    expect(config.detached).toBe(false);
    expect(config.git.repoUrl).toBeUndefined();
  });

  it("counts its data folder, its output and the SDK's state folder as its own files, never to commit", () => {
    const config = loadConfig({
      CONTAINER_TOKEN: "tok-123456",
      DATA_DIR: "/c/data",
      STATE_DIR: "/home/me/.local/state/app-building",
    });
    expect(config.ownPaths).toEqual(
      expect.arrayContaining(["/c/data", "/home/me/.local/state/app-building", resolve("runtime.out")]),
    );
    expect(loadConfig({ CONTAINER_TOKEN: "tok-123456" }).ownPaths).not.toContain(undefined);
  });

  it("names the bad variable in its error", () => {
    expect(() => loadConfig({ PORT: "http" })).toThrow(/PORT/);
    expect(() => loadConfig({ AGENT: "gpt" })).toThrow(/AGENT/);
    expect(() => loadConfig({ WEBHOOK_URL: "not a url" })).toThrow(/WEBHOOK_URL/);
  });

  it("asks for AGENT_COMMAND when the agent is a plain command", () => {
    expect(() => loadConfig({ AGENT: "command" })).toThrow(/AGENT_COMMAND: required when AGENT=command/);
  });

  it("reads DETACHED as a flag and treats empty optional values as unset", () => {
    expect(loadConfig({ DETACHED: "1", INITIAL_PROMPT: "go" })).toMatchObject({ detached: true, initialPrompt: "go" });
    expect(loadConfig({ DETACHED: "", REPO_URL: "" })).toMatchObject({ detached: false, git: { repoUrl: undefined } });
  });

  it("keeps the runtime's own secrets out of the agent's environment and redacts them all", () => {
    const config = loadConfig({
      CONTAINER_TOKEN: "tok-123456",
      GIT_TOKEN: "ghp-abcdef",
      WEBHOOK_SECRET: "whsec-xyz",
      ANTHROPIC_API_KEY: "sk-ant-1234",
      MY_PASSPHRASE: "hunter22",
      SECRET_ENV_NAMES: "MY_PASSPHRASE",
      PATH: "/usr/bin",
      TASKS_TOKEN: "tasks-tok-123456",
    });
    // The agent gets its own tasks token, under its own name, and none of the runtime's.
    expect(config.agentEnv).toEqual({
      APP_BUILDING_TASKS_TOKEN: "tasks-tok-123456",
      ANTHROPIC_API_KEY: "sk-ant-1234",
      MY_PASSPHRASE: "hunter22",
      PATH: "/usr/bin",
      SECRET_ENV_NAMES: "MY_PASSPHRASE",
    });
    expect(config.secrets.sort()).toEqual([
      "ghp-abcdef",
      "hunter22",
      "sk-ant-1234",
      "tasks-tok-123456",
      "tok-123456",
      "whsec-xyz",
    ]);
  });

  it("makes a new tasks token each start when none is given", () => {
    const first = loadConfig({}).tasksToken;
    expect(first).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(loadConfig({}).tasksToken).not.toBe(first);
  });

  it("refuses a whsec_ secret that is not base64, and takes any other string", () => {
    expect(() => loadConfig({ WEBHOOK_SECRET: "whsec_not base64!" })).toThrow(
      /WEBHOOK_SECRET: a whsec_ secret must be base64/,
    );
    expect(loadConfig({ WEBHOOK_SECRET: "a raw shared secret" }).webhook.secret).toBe("a raw shared secret");
  });

  it("reads the receiver's bearer token apart from the signing secret, and hides both from the agent", () => {
    const config = loadConfig({ WEBHOOK_SECRET: "a raw shared secret", WEBHOOK_BEARER_TOKEN: "receiver-token-1" });
    expect(config.webhook).toMatchObject({ secret: "a raw shared secret", bearerToken: "receiver-token-1" });
    expect(config.agentEnv).not.toHaveProperty("WEBHOOK_BEARER_TOKEN");
    expect(config.secrets).toContain("receiver-token-1");
  });
});
