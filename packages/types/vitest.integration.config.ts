import { defineProject } from "vitest/config";

export default defineProject({
  test: {
    name: "types:integration",
    include: ["test/**/*.test.ts"],
    testTimeout: 60_000,
  },
});
