import { execFile } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { ERROR_CODES } from "@app-building/types";
import { describe, expect, it } from "vitest";
import { MAIN, tempDir } from "./helpers/runtime-process.js";

/** Runs the runtime to its end with `env` and returns its exit code and the ready line it printed on stderr. */
async function failedStart(env: Record<string, string>): Promise<{ code: unknown; line: unknown }> {
  const run = await promisify(execFile)(process.execPath, [MAIN], {
    env: {
      PATH: process.env.PATH ?? "/usr/bin:/bin",
      HOST: "127.0.0.1",
      PORT: "0",
      AGENT: "command",
      AGENT_COMMAND: "echo",
      ...env,
    },
    timeout: 30_000,
  }).then(
    () => ({ code: 0, stderr: "" }),
    (error: { code?: unknown; stderr?: string }) => ({ code: error.code, stderr: error.stderr ?? "" }),
  );
  const line = run.stderr.split("\n").find((l) => l.startsWith('{"ready"'));
  return { code: run.code, line: line === undefined ? null : JSON.parse(line) };
}

describe("a runtime that cannot start", () => {
  it("says invalid_env and names the variable when its environment is wrong", async () => {
    const { code, line } = await failedStart({ PORT: "http", DATA_DIR: tempDir("startup-data") });
    expect(code).toBe(1);
    expect(line).toMatchObject({
      ready: false,
      error: ERROR_CODES.invalidEnv,
      message: expect.stringContaining("PORT"),
    });
  });

  it("says startup_failed when its environment is right but it still cannot start", async () => {
    const file = join(tempDir("startup-file"), "not-a-folder");
    writeFileSync(file, "");
    const { code, line } = await failedStart({ DATA_DIR: file, WORKSPACE_DIR: tempDir("startup-ws") });
    expect(code).toBe(1);
    expect(line).toMatchObject({ ready: false, error: ERROR_CODES.startupFailed });
  });
});
