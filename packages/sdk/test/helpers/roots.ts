import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** The sdk package folder. */
export const sdkRoot = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
/** The repository root. */
export const repoRoot = join(sdkRoot, "..", "..");
