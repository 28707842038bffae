import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ConfigurationError } from "../errors.js";
import { FileContainerRegistry } from "../registry/file-registry.js";
import type { ContainerConfig, RepoOptions } from "../state.js";
import { flyDriver } from "./fly.js";
import { existingWorkspace } from "./workspace-dir.js";

const dirs: string[] = [];
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "sdk-workspace-"));
  dirs.push(dir);
  return dir;
}

function config(workspaceDir: string | undefined): ContainerConfig {
  return {
    envVars: {},
    registry: new FileContainerRegistry(join(tempDir(), "registry.jsonl")),
    ...(workspaceDir === undefined ? {} : { workspaceDir }),
  };
}

const NO_REPO: RepoOptions = { repoUrl: "", cloneBranch: "", pushBranch: "" };

/** A real checkout on branch `feature/x`, with a subdirectory. */
function checkout(): string {
  const dir = tempDir();
  execFileSync("git", ["init", "-q", "-b", "feature/x", dir]);
  mkdirSync(join(dir, "packages"));
  writeFileSync(join(dir, "packages", "a.txt"), "a\n");
  return dir;
}

describe("existingWorkspace", () => {
  it("is null when workspaceDir is not set", async () => {
    expect(await existingWorkspace(config(undefined), NO_REPO, "fly", ["process"])).toBeNull();
  });

  it("resolves a relative path to an absolute one", async () => {
    const dir = tempDir();
    const found = await existingWorkspace(config(relative(process.cwd(), dir)), NO_REPO, "process", ["process"]);
    expect(found?.dir).toBe(dir);
  });

  it("refuses a directory that is not there, or a file, naming workspaceDir", async () => {
    const missing = join(tempDir(), "nope");
    const error = await existingWorkspace(config(missing), NO_REPO, "process", ["process"]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigurationError);
    expect(error).toMatchObject({ code: "workspace_missing" });
    expect((error as Error).message).toContain(`workspaceDir ${missing} does not exist`);
    const file = join(tempDir(), "file.txt");
    writeFileSync(file, "x");
    await expect(existingWorkspace(config(file), NO_REPO, "process", ["process"])).rejects.toThrow(
      /is not a directory/,
    );
    await expect(existingWorkspace(config(" "), NO_REPO, "process", ["process"])).rejects.toBeInstanceOf(
      ConfigurationError,
    );
  });

  it("keeps a checkout's current branch as the push branch unless one is given", async () => {
    const dir = checkout();
    expect((await existingWorkspace(config(dir), NO_REPO, "process", ["process"]))?.repo.pushBranch).toBe("feature/x");
    const given = { ...NO_REPO, pushBranch: "agent/mine" };
    expect((await existingWorkspace(config(dir), given, "process", ["process"]))?.repo).toEqual(given);
    // A subdirectory is not the checkout the runtime would use.
    const sub = join(dir, "packages");
    expect((await existingWorkspace(config(sub), NO_REPO, "process", ["process"]))?.repo).toEqual(NO_REPO);
  });
});

describe("the fly driver", () => {
  it("refuses workspaceDir with a ConfigurationError naming the option, before calling Fly", async () => {
    const error = await flyDriver
      .start({ ...config(tempDir()), flyToken: "t", flyApp: "a" }, NO_REPO, {})
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as Error).message).toMatch(/^workspaceDir is not supported by the fly driver/);
  });
});
