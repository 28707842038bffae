import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { FileContainerRegistry } from "../registry/file-registry.js";
import { cliRegistry, RegistryWithLegacy } from "./registry.js";

const entry = (name: string, startedAt: string) => ({
  type: "local" as const,
  driver: "process" as const,
  containerName: name,
  baseUrl: "http://127.0.0.1:9",
  port: 9,
  token: `token-${name}`,
  startedAt,
});

describe("the CLI's registry", () => {
  it("records new containers in the state folder and still finds, lists and stops those of an older ./.container-registry.jsonl", async () => {
    const cwd = mkdtempSync(join(tmpdir(), "cli-registry-cwd-"));
    const legacyPath = join(cwd, ".container-registry.jsonl");
    writeFileSync(legacyPath, `${JSON.stringify(entry("old", "2026-01-01T00:00:00.000Z"))}\n`);
    const primaryPath = join(mkdtempSync(join(tmpdir(), "cli-registry-state-")), "registry.jsonl");
    const registry = cliRegistry(primaryPath, cwd, false);
    expect(registry).toBeInstanceOf(RegistryWithLegacy);

    await registry.log(entry("new", "2026-02-01T00:00:00.000Z"));
    await registry.markStopped("old");

    expect((await registry.getRecent()).map((e) => e.containerName)).toEqual(["new", "old"]);
    expect(await registry.find("old")).toMatchObject({ containerName: "old", stoppedAt: expect.any(String) as string });
    expect(await new FileContainerRegistry(primaryPath).find("new")).not.toBeNull();
    expect(await new FileContainerRegistry(primaryPath).find("old")).toBeNull();
    expect((await new FileContainerRegistry(legacyPath).find("old"))?.stoppedAt).not.toBeNull();
  });

  it("reads only the chosen registry when APP_BUILDING_REGISTRY names one", () => {
    const cwd = mkdtempSync(join(tmpdir(), "cli-registry-chosen-"));
    writeFileSync(join(cwd, ".container-registry.jsonl"), "");
    expect(cliRegistry(join(cwd, "mine.jsonl"), cwd, true)).toBeInstanceOf(FileContainerRegistry);
  });
});
