import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { openRegistry, registryLocation, RegistryWithLegacy } from "./default.js";
import { FileContainerRegistry } from "./file-registry.js";

const entry = (name: string, startedAt: string) => ({
  type: "local" as const,
  driver: "process" as const,
  containerName: name,
  baseUrl: "http://127.0.0.1:9",
  port: 9,
  token: `token-${name}`,
  startedAt,
});

describe("the default registry", () => {
  it("records new containers in the state folder and still finds, lists and stops those of an older ./.container-registry.jsonl", async () => {
    const cwd = mkdtempSync(join(tmpdir(), "cli-registry-cwd-"));
    const legacyPath = join(cwd, ".container-registry.jsonl");
    writeFileSync(legacyPath, `${JSON.stringify(entry("old", "2026-01-01T00:00:00.000Z"))}\n`);
    const primaryPath = join(mkdtempSync(join(tmpdir(), "cli-registry-state-")), "registry.jsonl");
    const registry = openRegistry({ path: primaryPath, chosen: false, cwd });
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
    const location = registryLocation({ APP_BUILDING_REGISTRY: "mine.jsonl", HOME: cwd }, cwd);
    expect(location).toEqual({ path: join(cwd, "mine.jsonl"), chosen: true, cwd });
    expect(openRegistry(location)).toBeInstanceOf(FileContainerRegistry);
  });

  it("is the state folder's when APP_BUILDING_REGISTRY is unset or blank", () => {
    const env = { APP_BUILDING_STATE_DIR: "/srv/state", APP_BUILDING_REGISTRY: "  " };
    expect(registryLocation(env, "/work")).toEqual({ path: "/srv/state/registry.jsonl", chosen: false, cwd: "/work" });
  });
});
