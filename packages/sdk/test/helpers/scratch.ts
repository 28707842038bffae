import { execFile } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { pack, pnpm } from "./pack.js";
import { repoRoot, sdkRoot } from "./roots.js";

const exec = promisify(execFile);

/** A scratch project outside the workspace with `@app-building/sdk` installed from its packed tarball. */
export interface ScratchInstall {
  /** Where the tarballs and the project are. */
  work: string;
  /** The project folder. */
  project: string;
  /** The installed `app-building` binary. */
  bin: string;
  cleanup(): Promise<void>;
}

/** The Claude Code version the workspace pins (its catalog), which a user installs beside the SDK. */
async function claudeCodeVersion(): Promise<string> {
  const workspace = await readFile(join(repoRoot, "pnpm-workspace.yaml"), "utf8");
  const version = /^\s+"@anthropic-ai\/claude-code": (\S+)$/m.exec(workspace)?.[1];
  if (version === undefined) throw new Error("pnpm-workspace.yaml pins no @anthropic-ai/claude-code in its catalog");
  return version;
}

/**
 * Packs `@app-building/sdk` and `@app-building/types` and installs them in a new project, as a
 * user would, with Claude Code beside them (the SDK's optional peer, as its README says).
 */
export async function installPackedSdk(): Promise<ScratchInstall> {
  const work = await mkdtemp(join(tmpdir(), "sdk-scratch-"));
  const sdkTarball = await pack(sdkRoot, work);
  const typesTarball = await pack(join(repoRoot, "packages", "types"), work);
  const project = join(work, "project");
  await mkdir(project);
  await writeFile(
    join(project, "package.json"),
    JSON.stringify({
      name: "scratch",
      private: true,
      type: "module",
      dependencies: {
        "@app-building/sdk": `file:${sdkTarball}`,
        "@anthropic-ai/claude-code": await claudeCodeVersion(),
      },
      pnpm: {
        overrides: { "@app-building/types": `file:${typesTarball}` },
        onlyBuiltDependencies: ["@anthropic-ai/claude-code", "better-sqlite3"],
      },
    }),
  );
  await exec(pnpm, ["install", "--prefer-offline", "--ignore-workspace"], { cwd: project, timeout: 600_000 });
  return {
    work,
    project,
    bin: join(project, "node_modules", ".bin", "app-building"),
    cleanup: () => rm(work, { recursive: true, force: true }),
  };
}
