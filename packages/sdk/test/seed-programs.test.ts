// Programs written for the seed SDK, @replayio/app-building 1.4 and 1.51, with only the
// import changed to @app-building/sdk: compiled by strict tsc and run against the process
// driver from the packed tarballs, installed with plain npm in a scratch project.
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { filesOnBranch, git, seedBareRepo } from "@app-building/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isAlive } from "@app-building/types/process";
import { pack } from "./helpers/pack.js";
import { repoRoot, sdkRoot } from "./helpers/paths.js";

const exec = promisify(execFile);
const versionOf = (name: string) =>
  (JSON.parse(readFileSync(join(repoRoot, "node_modules", name, "package.json"), "utf8")) as { version: string })
    .version;

/** A port nothing listens on right now, for `localPort`. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

interface Scratch {
  dir: string;
  /** Copies a seed program in with its import swapped, and compiles it. */
  compile(program: string): Promise<void>;
  /** Runs a compiled program; returns the JSON line it printed last. */
  run(program: string, args: string[]): Promise<Record<string, unknown>>;
}

describe("seed programs against the packed SDK", () => {
  let work: string;
  let scratch: Scratch;

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), "sdk-seed-programs-"));
    const packs = join(work, "packs");
    await mkdir(packs);
    const sdk = await pack(sdkRoot, packs);
    const types = await pack(join(repoRoot, "packages", "types"), packs);
    const dir = join(work, "scratch");
    await mkdir(dir);
    await writeFile(join(dir, "package.json"), JSON.stringify({ name: "seed-user", private: true, type: "module" }));
    await exec(
      "npm",
      [
        "install",
        "--no-audit",
        "--no-fund",
        "--prefer-offline",
        types,
        sdk,
        `typescript@${versionOf("typescript")}`,
        `@types/node@${versionOf("@types/node")}`,
      ],
      { cwd: dir, timeout: 900_000 },
    );
    await writeFile(
      join(dir, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: {
          strict: true,
          module: "nodenext",
          moduleResolution: "nodenext",
          target: "es2022",
          types: ["node"],
          skipLibCheck: false,
          outDir: "dist",
        },
      }),
    );
    scratch = {
      dir,
      async compile(program) {
        const source = await readFile(join(sdkRoot, "test", "seed-programs", program), "utf8");
        expect(source).toContain('from "@replayio/app-building"');
        await writeFile(
          join(dir, program),
          source.replace('from "@replayio/app-building"', 'from "@app-building/sdk"'),
        );
        await exec(join(dir, "node_modules", ".bin", "tsc"), ["-p", ".", "--noEmit", "false"], { cwd: dir }).catch(
          (error: { stdout: string }) => {
            throw new Error(`tsc refused ${program}:\n${error.stdout}`);
          },
        );
      },
      async run(program, args) {
        const file = join(dir, "dist", program.replace(/\.ts$/, ".js"));
        // No image of that name exists, so the driver choice is the process driver even where a Docker Engine runs.
        const env = { ...process.env, CONTAINER_IMAGE_REF: "app-building/seed-programs-test:absent" };
        const { stdout } = await exec(process.execPath, [file, ...args], { cwd: dir, env, timeout: 300_000 }).catch(
          (error: { stdout: string; stderr: string }) => {
            throw new Error(`${program} failed:\n${error.stdout}\n${error.stderr}`);
          },
        );
        return JSON.parse(stdout.trim().split("\n").at(-1)!) as Record<string, unknown>;
      },
    };
  }, 900_000);

  afterAll(async () => {
    await rm(work, { recursive: true, force: true });
  });

  it("runs a seed 1.4 program: .env config, httpPost/httpGet, stop by name, work pushed", async () => {
    const project = await mkdtemp(join(work, "project-1.4-"));
    const remote = seedBareRepo(await mkdtemp(join(work, "remote-1.4-")));
    await writeFile(
      join(project, ".env"),
      [
        "# the agent, as a 1.4 user passed it through envVars",
        "AGENT=command",
        `AGENT_COMMAND='printf "%s\\n" "$1" > NOTES.md && echo wrote NOTES.md'`,
      ].join("\n"),
    );
    await scratch.compile("seed-1.4.ts");
    const out = await scratch.run("seed-1.4.ts", [project, remote]);
    expect(out).toMatchObject({ messageStatus: "done", pushBranch: "agent/seed-1-4" });
    expect(out.result).toContain("wrote NOTES.md");
    expect(out.baseUrl).toBe(`http://127.0.0.1:${String(out.port)}`);
    expect(out.aliveBeforeStop).toEqual([out.containerName]);
    expect(filesOnBranch(remote, "agent/seed-1-4")).toEqual(["NOTES.md", "README.md"]);
    expect(git(remote, "show", "agent/seed-1-4:NOTES.md")).toBe("write the notes");
    const registry = await readFile(join(project, ".container-registry.jsonl"), "utf8");
    expect(registry).toContain(`"op":"stopped"`);
  });

  it("runs a seed 1.51 program: sync registry, agentCommand + env, namePrefix, localPort, clone fallback, no pushBranch, null repo", async () => {
    const project = await mkdtemp(join(work, "project-1.51-"));
    const remote = seedBareRepo(await mkdtemp(join(work, "remote-1.51-")));
    const mainBefore = git(remote, "rev-parse", "main");
    await writeFile(join(project, ".env"), 'SEED_GREETING="hello from env"\n');
    const port = await freePort();
    await scratch.compile("seed-1.51.ts");
    const out = await scratch.run("seed-1.51.ts", [project, remote, String(port)]);

    expect(out.containerName).toMatch(/^seed151-[0-9a-f]{10}$/);
    expect(out.port).toBe(port);
    expect(out.baseUrl).toBe(`http://127.0.0.1:${port}`);
    // agentCommand ran as the agent, and `env` reached it.
    expect(out).toMatchObject({ messageStatus: "done", bareStatus: "done" });
    expect(out.result).toContain("hello from env: look around");
    expect(out.bareResult).toContain("hello from env: no repo here");
    // The clone fell back to main, and without pushBranch nothing was committed or pushed.
    expect(out.revision).toBe(mainBefore);
    expect(git(remote, "for-each-ref", "--format=%(refname)")).toBe("refs/heads/main");
    expect(git(remote, "rev-parse", "main")).toBe(mainBefore);
    // The custom synchronous registry got every start and stop.
    expect(out.recorded).toEqual([
      { name: out.bareName, stopped: true },
      { name: out.containerName, stopped: true },
    ]);
    const entries = (await readFile(join(project, "seed-registry.jsonl"), "utf8"))
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as { containerName: string; workspaceDir: string; pid: number });
    const first = entries.find((entry) => entry.containerName === out.containerName)!;
    expect(git(first.workspaceDir, "status", "--porcelain")).toBe("?? made.txt");
    expect(git(first.workspaceDir, "rev-parse", "HEAD")).toBe(mainBefore);
    for (const entry of entries) expect(isAlive(entry.pid)).toBe(false);
  });
});
