import { seedBareRepo } from "@app-building/testkit";
import { tempDir } from "./runtime-process.js";

export { filesOnBranch, git, subjects } from "@app-building/testkit";

/** A real bare repository with one commit (`README.md`) on `main`, in a temp dir the suite removes; returns its path. */
export function bareRepo(): string {
  return seedBareRepo(tempDir("remote"));
}
