import { join } from "node:path";
import type { TestProject } from "vitest/node";
import { installPackedSdk } from "./helpers/scratch.js";

declare module "vitest" {
  export interface ProvidedContext {
    /** The scratch project the packed SDK is installed in, as a user installs it. */
    packedProject: string;
  }
}

/**
 * Packs `@app-building/sdk` and `@app-building/types` once per run and installs the
 * tarballs in a scratch project outside the workspace: the suites drive the SDK and its CLI
 * from there, as a user's program would, not from the workspace's `dist/`.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const install = await installPackedSdk();
  project.provide("packedProject", install.project);
  console.error(`[sdk:integration] the packed SDK is installed in ${join(install.project, "node_modules")}`);
  return () => install.cleanup();
}
