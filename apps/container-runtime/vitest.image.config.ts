import { defineProject } from "vitest/config";

/**
 * The runtime image under a real Docker Engine. The first run builds the base and runtime
 * images (minutes on a fresh machine), hence the long hook timeout. Without an engine the
 * suite fails, it never skips.
 */
export default defineProject({
  test: {
    name: "container-runtime:image",
    include: ["test/image*.test.ts"],
    testTimeout: 120_000,
    hookTimeout: 30 * 60_000,
    fileParallelism: false,
  },
});
