import { mkdtemp, readFile, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { git, seedBareRepo } from "@app-building/testkit";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startContainer, stopContainer } from "../lifecycle.js";
import type { ContainerRegistry, RegistryEntry } from "../registry/registry.js";
import type { AgentState, ContainerConfig } from "../state.js";
import { connect } from "./connect.js";

/** A seed-style registry: every method answers synchronously but findAlive. */
class MemoryRegistry implements ContainerRegistry {
  readonly entries: RegistryEntry[] = [];
  log(state: AgentState): void {
    this.entries.push({ ...state });
  }
  markStopped(name?: string): void {
    const entry = this.entries.find((e) => e.containerName === name) ?? this.entries.find((e) => !e.stoppedAt);
    if (entry !== undefined) entry.stoppedAt = new Date().toISOString();
  }
  clearStopped(name: string): void {
    for (const e of this.entries) if (e.containerName === name) delete e.stoppedAt;
  }
  getRecent(limit = 20): RegistryEntry[] {
    return this.entries.slice(-limit).reverse();
  }
  find(name: string): RegistryEntry | null {
    return this.entries.find((e) => e.containerName === name) ?? null;
  }
  findAlive(): Promise<RegistryEntry[]> {
    return Promise.resolve(this.entries.filter((e) => !e.stoppedAt));
  }
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

// Real runtimes start here: a generous bound for a loaded machine (a hang guard, not a measurement).
describe("the seed's config fields on the process driver", { timeout: 60_000 }, () => {
  let root: string;
  let registry: MemoryRegistry;
  let config: ContainerConfig;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), "sdk-seed-config-"));
    registry = new MemoryRegistry();
    config = {
      projectRoot: root,
      driver: "process",
      registry,
      agentCommand: 'echo "$GREETING $1"; printf "work\\n" > work.txt',
      env: { GREETING: "hello from env:" },
    };
  });
  afterEach(async () => {
    for (const entry of registry.entries)
      if (entry.pid !== undefined && !entry.stoppedAt) await stopContainer(config, entry);
    await rm(root, { recursive: true, force: true });
  });

  it("starts without a repo, named by namePrefix, on localPort, recorded in a synchronous registry that connect and stop use", async () => {
    const port = await freePort();
    const state = await startContainer({ ...config, namePrefix: "unit-seed", localPort: port }, null);
    expect(state.containerName).toMatch(/^unit-seed-[0-9a-f]{10}$/);
    expect(state.port).toBe(port);
    expect(state.baseUrl).toBe(`http://127.0.0.1:${port}`);
    expect(registry.find(state.containerName)).toMatchObject({ containerName: state.containerName });

    const client = await connect(state.containerName, { registry });
    const { id } = await client.sendMessage("ping");
    const message = await client.waitForMessage(id);
    expect(message.result).toContain("hello from env: ping");
    // No repo: the work stays in the folder, never committed.
    expect((await client.status()).revision).toBeNull();
    expect(await readFile(join(state.workspaceDir!, "work.txt"), "utf8")).toBe("work\n");

    const stopped = await stopContainer(config, state.containerName);
    expect(stopped.pushed).toBeNull();
    expect(registry.find(state.containerName)?.stoppedAt).toEqual(expect.any(String));
  });

  it("clones the first branch of the list that exists and, without pushBranch, never commits or pushes", async () => {
    const remote = seedBareRepo(root);
    const main = git(remote, "rev-parse", "main");
    const state = await startContainer(config, { repoUrl: remote, cloneBranch: "missing-branch,main" });
    const client = await connect(state.containerName, { registry });
    const { id } = await client.sendMessage("change something");
    expect((await client.waitForMessage(id)).status).toBe("done");
    expect((await client.status()).revision).toBe(main);
    expect(git(state.workspaceDir!, "status", "--porcelain")).toBe("?? work.txt");
    const stopped = await stopContainer(config, state);
    expect(stopped.pushed).toBeNull();
    expect(git(remote, "for-each-ref", "--format=%(refname)")).toBe("refs/heads/main");
    expect(git(remote, "rev-parse", "main")).toBe(main);
  });

  it("tells a name the registry does not have", async () => {
    await expect(connect("app-building-0000000000", { registry })).rejects.toMatchObject({ code: "unknown_container" });
  });
});
