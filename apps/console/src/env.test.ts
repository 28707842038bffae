import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { EnvError } from "@app-building/server-edge";
import { loadConfig } from "./env.js";

describe("loadConfig", () => {
  it("defaults to port 4001 on loopback, core-back on 4000 and the workspace's registry", () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ port: 4001, host: "127.0.0.1", coreBackUrl: "http://127.0.0.1:4000" });
    expect(config.registryPath).toBe(resolve(import.meta.dirname, "../../..", ".container-registry.jsonl"));
  });

  it("reads every variable, with 0 meaning a free port", () => {
    const config = loadConfig({
      PORT: "0",
      HOST: "0.0.0.0",
      CORE_BACK_URL: "http://127.0.0.1:4555/",
      APP_BUILDING_REGISTRY: "/tmp/r.jsonl",
      LOG_LEVEL: "silent",
      ALLOWED_HOSTS: "Console.example, ,ops.example",
    });
    expect(config).toEqual({
      port: 0,
      host: "0.0.0.0",
      coreBackUrl: "http://127.0.0.1:4555",
      registryPath: "/tmp/r.jsonl",
      logLevel: "silent",
      ownHostNames: ["console.example", "ops.example"],
    });
  });

  it("names every bad variable", () => {
    expect(() => loadConfig({ PORT: "70000", CORE_BACK_URL: "ftp://x" })).toThrow(EnvError);
    expect(() => loadConfig({ PORT: "70000", CORE_BACK_URL: "ftp://x" })).toThrow(/PORT.*CORE_BACK_URL/);
  });
});
