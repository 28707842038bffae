import { appendFile, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { AgentState } from "../state.js";
import { FileContainerRegistry, type RegistryProblem } from "./file-registry.js";

function state(name: string, overrides: Partial<AgentState> = {}): AgentState {
  return {
    type: "local",
    driver: "process",
    containerName: name,
    // Port 9 (discard) on loopback: nothing listens there, so a probe fails at once.
    baseUrl: "http://127.0.0.1:9",
    port: 9,
    token: `token-${name}`,
    startedAt: new Date().toISOString(),
    ...overrides,
  };
}

describe("FileContainerRegistry", () => {
  let dir: string;
  let file: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "sdk-registry-"));
    file = join(dir, "nested", ".container-registry.jsonl");
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("finds a logged container by name and lists recent ones newest first", async () => {
    const registry = new FileContainerRegistry(file);
    await registry.log(state("a"));
    await registry.log(state("b"));
    await registry.log(state("c"));
    expect((await registry.find("b"))?.token).toBe("token-b");
    expect(await registry.find("nope")).toBeNull();
    expect((await registry.getRecent(2)).map((e) => e.containerName)).toEqual(["c", "b"]);
  });

  it("answers an empty list when the file does not exist yet", async () => {
    const registry = new FileContainerRegistry(file);
    expect(await registry.getRecent()).toEqual([]);
    expect(await registry.find("a")).toBeNull();
  });

  it("marks containers stopped and clears the mark, visible to another instance", async () => {
    const writer = new FileContainerRegistry(file);
    const reader = new FileContainerRegistry(file);
    await writer.log(state("a"));
    await writer.log(state("b"));
    expect((await reader.find("a"))?.stoppedAt).toBeNull();
    await writer.markStopped("a");
    expect((await reader.find("a"))?.stoppedAt).toEqual(expect.any(String));
    await writer.clearStopped("a");
    expect((await reader.find("a"))?.stoppedAt).toBeNull();
  });

  it("marks the most recent running container stopped when no name is given", async () => {
    const registry = new FileContainerRegistry(file);
    await registry.log(state("a"));
    await registry.log(state("b"));
    await registry.markStopped();
    expect((await registry.find("b"))?.stoppedAt).not.toBeNull();
    expect((await registry.find("a"))?.stoppedAt).toBeNull();
  });

  it("skips and reports a corrupt line instead of failing", async () => {
    const problems: RegistryProblem[] = [];
    const registry = new FileContainerRegistry(file, { onProblem: (p) => problems.push(p) });
    await registry.log(state("a"));
    await appendFile(file, "{this is not json\n");
    await registry.log(state("b"));
    expect((await registry.getRecent()).map((e) => e.containerName)).toEqual(["b", "a"]);
    expect(problems).toHaveLength(1);
    expect(problems[0]!.message).toMatch(/not JSON/);
    expect(registry.problems).toHaveLength(1);
  });

  it("keeps the next entry whole after a writer died halfway through a line", async () => {
    const registry = new FileContainerRegistry(file);
    await registry.log(state("a"));
    await appendFile(file, '{"containerName":"torn","ty');
    await registry.log(state("b"));
    const fresh = new FileContainerRegistry(file);
    expect((await fresh.getRecent()).map((e) => e.containerName)).toEqual(["b", "a"]);
    expect(fresh.problems).toHaveLength(1);
  });

  it("compacts superseded lines and keeps every container", async () => {
    const registry = new FileContainerRegistry(file);
    for (let i = 0; i < 10; i += 1) await registry.log(state(`c${i}`));
    for (let round = 0; round < 60; round += 1) {
      for (let i = 0; i < 10; i += 1) {
        await registry.markStopped(`c${i}`);
        await registry.clearStopped(`c${i}`);
      }
    }
    const lines = (await readFile(file, "utf8")).trim().split("\n");
    expect(lines.length).toBeLessThan(1_000);
    const fresh = new FileContainerRegistry(file);
    expect((await fresh.getRecent(100)).map((e) => e.containerName)).toEqual(
      Array.from({ length: 10 }, (_, i) => `c${9 - i}`),
    );
    await registry.compact();
    expect((await readFile(file, "utf8")).trim().split("\n")).toHaveLength(10);
    // 1,210 locked writes: a hang bound for a loaded machine, not a measure of speed.
  }, 60_000);

  it("reads a registry written before the file existed in this process (seed lines without op)", async () => {
    await writeFile(file.replace("nested/", ""), `${JSON.stringify({ ...state("old"), stoppedAt: null })}\n`);
    const registry = new FileContainerRegistry(file.replace("nested/", ""));
    expect((await registry.find("old"))?.driver).toBe("process");
  });

  it("marks containers that no longer answer as stopped when looking for live ones", async () => {
    const registry = new FileContainerRegistry(file, { probeTimeoutMs: 1_000 });
    await registry.log(state("gone"));
    expect(await registry.findAlive()).toEqual([]);
    expect((await registry.find("gone"))?.stoppedAt).not.toBeNull();
  });

  it("fails with a clear error when the lock is held by a live process for too long", async () => {
    const registry = new FileContainerRegistry(file, { lockTimeoutMs: 100 });
    await registry.log(state("a"));
    await writeFile(`${file}.lock`, JSON.stringify({ pid: process.pid, host: (await import("node:os")).hostname() }));
    await expect(registry.log(state("b"))).rejects.toThrow(/registry lock/);
  });

  it("takes over a lock left by a process that died", async () => {
    const registry = new FileContainerRegistry(file, { lockTimeoutMs: 2_000 });
    await registry.log(state("a"));
    // pid 2^22+1 is above Linux's pid_max default range: no such process.
    await writeFile(`${file}.lock`, JSON.stringify({ pid: 4_194_305, host: (await import("node:os")).hostname() }));
    await registry.log(state("b"));
    expect((await registry.find("b"))?.containerName).toBe("b");
  });

  it("keeps what a stopped container left (its outcome), also after compaction, and forgets removed containers", async () => {
    const registry = new FileContainerRegistry(file);
    await registry.log(state("kept"));
    await registry.log(state("gone"));
    const outcome = {
      revision: "a".repeat(40),
      pushBranch: "agent/x",
      pushed: false,
      pushError: "rejected",
      lastMessage: null,
      totalCostUsd: 0.5,
      stoppedCleanly: true,
    };
    await registry.markStopped("kept", outcome);
    await registry.remove(["gone", "never-known"]);
    expect(await new FileContainerRegistry(file).find("kept")).toMatchObject({ outcome });
    expect(await new FileContainerRegistry(file).find("gone")).toBeNull();
    await registry.compact();
    const fresh = new FileContainerRegistry(file);
    expect((await fresh.getRecent()).map((e) => e.containerName)).toEqual(["kept"]);
    expect((await fresh.getRecent())[0]).toMatchObject({ outcome, stoppedAt: expect.any(String) as string });
  });
});
