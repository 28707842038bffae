import { defineProject } from "vitest/config";

export default defineProject({
  test: {
    name: "docs",
    include: ["src/**/*.test.ts"],
    // The TSDoc check loads a whole package's declarations with the TypeScript compiler:
    // seconds on a busy 2-core machine.
    testTimeout: 60_000,
  },
});
