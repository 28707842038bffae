import { fileURLToPath } from "node:url";

/** The monorepo's root directory (the checkout these suites belong to). */
export const repoRoot = fileURLToPath(new URL("../../", import.meta.url)).replace(/\/$/, "");

/** Where the end-to-end suites leave screenshots and other artifacts (gitignored). */
export const artifactsDir = `${repoRoot}/test-artifacts/e2e`;
