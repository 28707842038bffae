import { defineProject } from "vitest/config";

export default defineProject({
  test: {
    name: "console:integration",
    include: ["test/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Each file starts a real core-back (and a runtime): one at a time on a 2-core machine.
    fileParallelism: false,
  },
});
