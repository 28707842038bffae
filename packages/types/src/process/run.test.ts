import { describe, expect, it } from "vitest";
import { run } from "./run.js";

describe("run", () => {
  it("collects stdout and stderr and has no failure after exit 0", async () => {
    const result = await run("sh", ["-c", "echo out; echo err >&2"]);
    expect(result).toEqual({ exitCode: 0, stdout: "out\n", stderr: "err\n", failure: undefined });
  });

  it("resolves a non-zero exit with its code and what it printed", async () => {
    const result = await run("sh", ["-c", "echo why >&2; exit 3"]);
    expect(result).toMatchObject({ exitCode: 3, stderr: "why\n", failure: "exit 3" });
  });

  it("runs in the given folder with exactly the given environment", async () => {
    const result = await run("sh", ["-c", 'pwd; echo "${ONLY-unset} ${HOME-unset}"'], {
      cwd: "/tmp",
      env: { PATH: process.env.PATH, ONLY: "given" },
    });
    expect(result.stdout).toBe("/tmp\ngiven unset\n");
  });

  it("kills a program that outlives its timeout and says so", async () => {
    const result = await run("sleep", ["30"], { timeoutMs: 50 });
    expect(result).toMatchObject({ exitCode: null, failure: "timed out after 50 ms" });
  });

  it("says a program that cannot start could not start", async () => {
    const result = await run("no-such-program-anywhere", []);
    expect(result.exitCode).toBeNull();
    expect(result.failure).toMatch(/^could not start: .*ENOENT/);
  });

  it("reports a signal that ended the program", async () => {
    const result = await run("sh", ["-c", "kill -TERM $$"]);
    expect(result).toMatchObject({ exitCode: null, failure: "killed by SIGTERM" });
  });

  it("keeps a multi-byte character whole when it arrives split across reads", async () => {
    // 100,000 two-byte characters: far more than one pipe read, so chunk edges fall inside some.
    const result = await run(process.execPath, ["-e", "process.stdout.write('é'.repeat(100000))"]);
    expect(result.stdout).toBe("é".repeat(100_000));
  });
});
