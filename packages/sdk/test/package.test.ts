import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pack, pnpm } from "./helpers/pack.js";
import { repoRoot, sdkRoot } from "./helpers/paths.js";

const exec = promisify(execFile);

describe("the published package", () => {
  let work: string;
  let sdkTarball: string;
  let typesTarball: string;

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), "sdk-pack-"));
    sdkTarball = await pack(sdkRoot, work);
    typesTarball = await pack(join(repoRoot, "packages", "types"), work);
  }, 300_000);
  afterAll(async () => {
    await rm(work, { recursive: true, force: true });
  });

  it("has no workspace: ranges, ships the runtime and the CLI, and passes publint", async () => {
    const { stdout: manifest } = await exec("tar", ["-xzOf", sdkTarball, "package/package.json"]);
    expect(manifest).not.toContain("workspace:");
    expect(manifest).not.toContain("catalog:");
    const pkg = JSON.parse(manifest) as {
      dependencies: Record<string, string>;
      peerDependenciesMeta: Record<string, { optional?: boolean }>;
      bin: Record<string, string>;
    };
    expect(pkg.dependencies["@app-building/types"]).toMatch(/^\d+\.\d+\.\d+/);
    expect(pkg.dependencies["better-sqlite3"]).toMatch(/^\d+\.\d+\.\d+$/);
    // The Claude Code CLI (hundreds of MB, Node >= 22) is the user's choice, not a dependency.
    expect(Object.keys(pkg.dependencies)).not.toContain("@anthropic-ai/claude-code");
    expect(pkg.peerDependenciesMeta["@anthropic-ai/claude-code"]?.optional).toBe(true);
    expect(pkg.bin["app-building"]).toBe("./bin/app-building.js");
    const { stdout: files } = await exec("tar", ["-tzf", sdkTarball]);
    expect(files).toContain("package/bin/app-building.js");
    expect(files).toContain("package/dist/runtime/main.js");
    expect(files).toContain("package/dist/cli/main.js");
    expect(files).not.toMatch(/\.test\.js/);
    const lint = await exec(join(sdkRoot, "node_modules", ".bin", "publint"), ["run", sdkTarball, "--strict"]);
    expect(lint.stdout).not.toMatch(/error|warning/i);
  });

  it("installs in a scratch project that starts a process container with it", async () => {
    const project = join(work, "scratch");
    await exec("mkdir", ["-p", project]);
    await writeFile(
      join(project, "package.json"),
      JSON.stringify({
        name: "scratch",
        private: true,
        type: "module",
        dependencies: { "@app-building/sdk": `file:${sdkTarball}` },
        pnpm: {
          overrides: { "@app-building/types": `file:${typesTarball}` },
          onlyBuiltDependencies: ["better-sqlite3", "@anthropic-ai/claude-code"],
        },
      }),
    );
    await exec(pnpm, ["install", "--prefer-offline", "--ignore-workspace"], { cwd: project, timeout: 600_000 });
    await writeFile(
      join(project, "main.mjs"),
      `import { FileContainerRegistry, createClient, startContainer, stopContainer } from "@app-building/sdk";
const config = {
  projectRoot: process.cwd(),
  stateDir: "state",
  envVars: { AGENT_COMMAND: "echo installed:" },
  agent: "command",
  driver: "process",
  registry: new FileContainerRegistry(".container-registry.jsonl"),
};
const state = await startContainer(config, { repoUrl: "", cloneBranch: "", pushBranch: "" });
const client = createClient(state);
const { id } = await client.sendMessage("hello");
const message = await client.waitForMessage(id, { timeoutMs: 60000 });
await stopContainer(config, state, { timeoutMs: 30000 });
console.log(JSON.stringify({ entry: (await import("@app-building/sdk")).resolveRuntimeEntry(), result: message.result }));
`,
    );
    const { stdout } = await exec(process.execPath, ["main.mjs"], { cwd: project, timeout: 120_000 });
    const outcome = JSON.parse(stdout.trim().split("\n").at(-1)!) as { entry: string; result: string };
    expect(outcome.result).toContain("installed: hello");
    expect(outcome.entry).toContain(join("node_modules", ".pnpm"));
    expect(outcome.entry).toMatch(/dist[/\\]runtime[/\\]main\.js$/);
    const { stdout: listed } = await exec(
      join(project, "node_modules", ".bin", "app-building"),
      ["ls", "--all", "--json"],
      {
        cwd: project,
      },
    );
    expect((JSON.parse(listed) as unknown[]).length).toBe(1);
  }, 600_000);
});
