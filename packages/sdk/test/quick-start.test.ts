import { execFile } from "node:child_process";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { isAlive } from "@app-building/types/process";
import { repoRoot, requireBuiltSdk, sdkRoot } from "./helpers/paths.js";
import { createProject, type Project } from "./helpers/project.js";

const exec = promisify(execFile);

/** The first TypeScript block after `## Quick start` in a Markdown file. */
async function quickStart(file: string): Promise<string> {
  const text = await readFile(file, "utf8");
  const match = /## Quick start\n[\s\S]*?```ts\n([\s\S]*?)```/.exec(text);
  if (match === null) throw new Error(`${file} has no quick start`);
  return match[1]!;
}

describe("the README quick start", () => {
  let project: Project;
  beforeEach(async () => {
    project = await createProject();
  });
  afterEach(async () => {
    for (const entry of await project.config.registry.getRecent(10))
      if (entry.pid !== undefined) project.started.push(entry);
    await project.cleanup();
  });

  it("is the same program in docs/sdk.md", async () => {
    expect(await quickStart(join(repoRoot, "docs", "sdk.md"))).toBe(await quickStart(join(sdkRoot, "README.md")));
  });

  it("ends, and stops the container it started, when the message fails", async () => {
    const registry = join(project.root, ".container-registry.jsonl");
    let program = (await quickStart(join(sdkRoot, "README.md")))
      .replace('from "@app-building/sdk"', `from ${JSON.stringify(pathToFileURL(requireBuiltSdk()).href)}`)
      // The same program on the process driver, with an agent whose every message fails.
      .replace(
        /const config = \{[\s\S]*?\n\};/,
        `const config = ${JSON.stringify({
          driver: "process",
          projectRoot: project.root,
          stateDir: join(project.root, "state"),
          agent: "command",
          envVars: { AGENT_COMMAND: "echo this agent cannot work >&2; exit 3" },
        }).replace(/\}$/, `, registry: new FileContainerRegistry(${JSON.stringify(registry)}) };`)}`,
      )
      .replace(/const repo = \{[^\n]*\};/, 'const repo = { repoUrl: "", cloneBranch: "", pushBranch: "" };');
    expect(program).toContain("driver");
    expect(program).toContain('repoUrl: ""');
    program += `\nconsole.log("the program ended");\n`;
    const file = join(project.root, "quick-start.mjs");
    await writeFile(file, program);
    // The container the program starts is recorded before any message: it is stopped in afterEach if the program hangs.
    const outcome = await exec(process.execPath, [file], { cwd: project.root, timeout: 90_000 }).then(
      ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
      (error: { code: number | null; signal?: string; stdout: string; stderr: string }) => ({
        code: error.code ?? error.signal,
        stdout: error.stdout,
        stderr: error.stderr,
      }),
    );
    expect(outcome.stdout, outcome.stderr).toContain("the program ended");
    expect(outcome.code).toBe(1);
    expect(outcome.stderr).toMatch(/the message ended as error: the agent exited with code 3/);
    const [entry] = await project.config.registry.getRecent(10);
    expect(entry?.stoppedAt).not.toBeNull();
    expect(isAlive(entry!.pid!)).toBe(false);
  });
});
