import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { repoRoot } from "./roots.js";

const exec = promisify(execFile);

/** The pinned pnpm of the checkout, else the one on PATH. */
export const pnpm = existsSync(join(repoRoot, ".tools", "bin", "pnpm"))
  ? join(repoRoot, ".tools", "bin", "pnpm")
  : "pnpm";

/** Packs the package in `dir` as a publish would (real versions for `workspace:` and `catalog:`) into `into`; returns the tarball. */
export async function pack(dir: string, into: string): Promise<string> {
  const before = new Set(await readdir(into));
  await exec(pnpm, ["pack", "--pack-destination", into], { cwd: dir });
  const tarball = (await readdir(into)).find((name) => name.endsWith(".tgz") && !before.has(name));
  if (tarball === undefined) throw new Error(`pnpm pack made no tarball in ${into}`);
  return join(into, tarball);
}
