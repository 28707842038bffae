import { describe, expect, it } from "vitest";
import { EnvError } from "@app-building/server-edge";
import { loadConfig } from "./env.js";

describe("loadConfig", () => {
  it("gives a working default configuration: port 4000 on loopback, restricted mode", () => {
    const config = loadConfig({ WORKSPACE_DIR: "/w" });
    expect(config).toMatchObject({
      port: 4000,
      host: "127.0.0.1",
      workspaceDir: "/w",
      dataDir: "/w/.data/core-back",
      buildScopesFile: "/w/build-scopes.json",
      turboBin: "/w/node_modules/.bin/turbo",
      defaultMode: "restricted",
      selfProgram: "core-back",
      supervisorSocket: undefined,
      authUrl: "http://127.0.0.1:4000",
    });
    expect(config.deployWaitMs).toBeLessThan(600_000);
  });

  it("reads numbers, modes and paths from the environment", () => {
    const config = loadConfig({
      PORT: "0",
      DEPLOY_MODE: "unrestricted",
      BUILD_TIMEOUT_MS: "1500",
      CORE_BACK_DATA_DIR: "/data",
      SUPERVISOR_SOCKET: "/run/sv.sock",
    });
    expect(config).toMatchObject({ port: 0, defaultMode: "unrestricted", buildTimeoutMs: 1500, dataDir: "/data" });
    expect(config.supervisorSocket).toBe("/run/sv.sock");
  });

  it("names every invalid variable", () => {
    expect(() => loadConfig({ PORT: "http", DEPLOY_MODE: "wide", BETTER_AUTH_SECRET: "short" })).toThrow(EnvError);
    try {
      loadConfig({ PORT: "http", DEPLOY_MODE: "wide", BETTER_AUTH_SECRET: "short" });
    } catch (error) {
      expect((error as Error).message).toMatch(/PORT/);
      expect((error as Error).message).toMatch(/DEPLOY_MODE/);
      expect((error as Error).message).toMatch(/BETTER_AUTH_SECRET/);
    }
  });
});

describe("the build environment", () => {
  it("puts the workspace's pinned tools first on PATH, so turbo finds pnpm under supervisord too", () => {
    const workspace = new URL("../../..", import.meta.url).pathname.replace(/\/$/, "");
    const config = loadConfig({ WORKSPACE_DIR: workspace, PATH: "/usr/bin" });
    const path = config.childEnv.PATH!.split(":");
    expect(path).toContain(`${workspace}/node_modules/.bin`);
    expect(path[path.length - 1]).toBe("/usr/bin");
  });
});
