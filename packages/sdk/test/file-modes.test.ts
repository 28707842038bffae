import { execFile } from "node:child_process";
import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { requireBuiltSdk } from "./helpers/paths.js";

const run = promisify(execFile);

/**
 * Under `umask 022` (what most shells give, so new files are 0644 by default): writes a
 * registry in folders that do not exist yet, rewrites one an older version left 0644,
 * compacts it, and starts and stops a process container under `projectRoot`.
 */
const SCRIPT = `
const [entry, root] = process.argv.slice(1);
const { writeFileSync } = await import("node:fs");
const { join } = await import("node:path");
const sdk = await import(entry);
const entryFor = (name) => ({ type: "local", driver: "process", containerName: name, baseUrl: "http://127.0.0.1:9", token: "secret-token-" + name, startedAt: new Date().toISOString() });
const fresh = new sdk.FileContainerRegistry(join(root, "state", "deep", "registry.jsonl"));
await fresh.log(entryFor("a"));
const oldFile = join(root, "old.jsonl");
writeFileSync(oldFile, JSON.stringify(entryFor("old")) + "\\n", { mode: 0o644 });
const old = new sdk.FileContainerRegistry(oldFile);
await old.log(entryFor("b"));
await old.markStopped("b");
await old.compact();
const config = { envVars: { AGENT_COMMAND: "echo" }, agent: "command", driver: "process", registry: fresh };
const state = await sdk.startContainer(config, { repoUrl: "", cloneBranch: "", pushBranch: "" });
await sdk.stopContainer(config, state);
process.stdout.write(JSON.stringify({ dataDir: state.dataDir, workspaceDir: state.workspaceDir }));
`;

async function mode(path: string): Promise<string> {
  return ((await stat(path)).mode & 0o777).toString(8);
}

describe("files the SDK writes", () => {
  let root: string;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), "sdk-modes-"));
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it("keeps the registry and every container folder private (0600 files, 0700 folders) under umask 022", async () => {
    const { stdout } = await run("/bin/sh", [
      "-c",
      // No stateDir in the config: the process driver uses the XDG state folder.
      `umask 022 && XDG_STATE_HOME=${join(root, "xdg")} exec "$0" --input-type=module -e "$1" "$2" "$3"`,
      process.execPath,
      SCRIPT,
      requireBuiltSdk(),
      root,
    ]);
    const { dataDir, workspaceDir } = JSON.parse(stdout) as { dataDir: string; workspaceDir: string };
    expect({
      registry: await mode(join(root, "state", "deep", "registry.jsonl")),
      registryFolder: await mode(join(root, "state", "deep")),
      registryParent: await mode(join(root, "state")),
      compactedOld: await mode(join(root, "old.jsonl")),
      appBuilding: await mode(join(root, "xdg", "app-building")),
      containers: await mode(join(root, "xdg", "app-building", "containers")),
      container: await mode(join(dataDir, "..")),
      data: await mode(dataDir),
      workspace: await mode(workspaceDir),
      runtimeOut: await mode(join(dataDir, "..", "runtime.out")),
    }).toEqual({
      registry: "600",
      registryFolder: "700",
      registryParent: "700",
      compactedOld: "600",
      appBuilding: "700",
      containers: "700",
      container: "700",
      data: "700",
      workspace: "700",
      runtimeOut: "600",
    });
  });
});
