import { defineProject } from "vitest/config";

export default defineProject({
  test: {
    name: "core-back:integration",
    include: ["test/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Real turbo builds and a real supervisord: one file at a time on a 2-core machine.
    fileParallelism: false,
  },
});
