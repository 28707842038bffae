import { defineProject } from "vitest/config";

export default defineProject({
  test: {
    name: "e2e",
    include: ["test/**/*.test.ts", "src/**/*.test.ts"],
    // A real browser, Docker image builds and whole-platform builds inside a container.
    testTimeout: 600_000,
    hookTimeout: 600_000,
    // Each file drives heavy real pieces: one at a time on a 2-core machine.
    fileParallelism: false,
  },
});
