import { defineConfig } from "vitest/config";

/** One vitest run over every workspace's projects, so the whole suite ends in one summary. */
export default defineConfig({
  test: {
    projects: ["{apps,packages}/*/vitest*.config.ts", "{skills,docs}/vitest*.config.ts", "e2e/vitest*.config.ts"],
    reporters: ["default", "./scripts/summary-reporter.ts"],
  },
});
