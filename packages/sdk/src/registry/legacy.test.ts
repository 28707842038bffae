import { mkdtempSync, readFileSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { FileContainerRegistry } from "./file-registry.js";
import { moveLegacyRegistry } from "./legacy.js";

const entry = (name: string) => ({
  type: "local" as const,
  driver: "process" as const,
  containerName: name,
  baseUrl: "http://127.0.0.1:9",
  token: `token-${name}`,
  startedAt: "2026-01-01T00:00:00.000Z",
});

describe("moveLegacyRegistry", () => {
  it("moves an older CLI's ./.container-registry.jsonl into the state folder, keeping stop marks and order", async () => {
    const cwd = mkdtempSync(join(tmpdir(), "legacy-cwd-"));
    const old = new FileContainerRegistry(join(cwd, ".container-registry.jsonl"));
    await old.log(entry("a"));
    await old.log(entry("b"));
    await old.markStopped("a");
    const registry = new FileContainerRegistry(join(mkdtempSync(join(tmpdir(), "legacy-state-")), "registry.jsonl"));
    await registry.log(entry("b"));

    const moved = await moveLegacyRegistry(cwd, registry);

    expect(moved).toMatchObject({ moved: 1, to: registry.path });
    expect(existsSync(join(cwd, ".container-registry.jsonl"))).toBe(false);
    expect(existsSync(join(cwd, ".container-registry.jsonl.lock"))).toBe(false);
    const recent = await registry.getRecent();
    expect(recent.map((e) => [e.containerName, e.stoppedAt !== null])).toEqual([
      ["a", true],
      ["b", false],
    ]);
    expect(readFileSync(registry.path, "utf8")).toContain("token-a");
    expect(await moveLegacyRegistry(cwd, registry)).toBeNull();
  });

  it("leaves a registry alone when it already is the one in use", async () => {
    const cwd = mkdtempSync(join(tmpdir(), "legacy-same-"));
    writeFileSync(join(cwd, ".container-registry.jsonl"), `${JSON.stringify(entry("c"))}\n`);
    const registry = new FileContainerRegistry(join(cwd, ".container-registry.jsonl"));
    expect(await moveLegacyRegistry(cwd, registry)).toBeNull();
    expect(existsSync(registry.path)).toBe(true);
  });
});
