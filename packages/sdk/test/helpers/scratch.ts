import { execFile } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
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

/** Packs `@app-building/sdk` and `@app-building/types` and installs them in a new project, as a user would. */
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
      dependencies: { "@app-building/sdk": `file:${sdkTarball}` },
      pnpm: {
        overrides: { "@app-building/types": `file:${typesTarball}` },
        onlyBuiltDependencies: ["better-sqlite3"],
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
