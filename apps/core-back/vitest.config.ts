import { defineProject } from "vitest/config";

export default defineProject({
  test: {
    name: "core-back",
    include: ["src/**/*.test.ts"],
  },
});
