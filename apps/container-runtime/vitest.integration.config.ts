import { defineProject } from "vitest/config";

export default defineProject({
  test: {
    name: "container-runtime:integration",
    include: ["test/**/*.test.ts"],
    exclude: ["test/image*.test.ts"],
    testTimeout: 90_000,
    hookTimeout: 60_000,
    fileParallelism: false,
  },
});
