import { defineProject } from "vitest/config";

export default defineProject({
  test: {
    name: "server-edge",
    include: ["src/**/*.test.ts"],
  },
});
