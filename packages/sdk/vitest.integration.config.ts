import { defineProject } from "vitest/config";

export default defineProject({
  test: {
    name: "sdk:integration",
    include: ["test/**/*.test.ts"],
    // The suites drive the SDK and its CLI installed from the packed tarballs, as a user has them.
    globalSetup: ["test/global-setup.ts"],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // The suites start real runtimes, containers and agent CLIs: one file at a time keeps 2 cores responsive.
    fileParallelism: false,
  },
});
