import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** The sdk package folder. */
export const sdkRoot = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
/** The repository root. */
export const repoRoot = join(sdkRoot, "..", "..");
/** The built sdk entry point that child processes import. */
export const sdkDistEntry = join(sdkRoot, "dist", "index.js");

/** Fails with what to run when the sdk has not been built. */
export function requireBuiltSdk(): string {
  if (!existsSync(sdkDistEntry)) {
    throw new Error(
      `${sdkDistEntry} is missing: run \`pnpm exec turbo run build --filter=@app-building/sdk...\` first`,
    );
  }
  return sdkDistEntry;
}
