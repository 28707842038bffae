import { describe, expect, it } from "vitest";
import { readCliEnvironment } from "./context.js";

describe("the CLI's environment", () => {
  it("passes every agent's credentials on to the runtime, and nothing it was not asked to", () => {
    const cli = readCliEnvironment({
      CLAUDE_CODE_OAUTH_TOKEN: "oauth",
      CODEX_API_KEY: "codex",
      ANTHROPIC_MODEL: "sonnet",
      GIT_TOKEN: "git",
      OPENAI_API_KEY: "",
      HOME: "/home/someone",
      AWS_SECRET_ACCESS_KEY: "not for the agent",
    });
    expect(cli.forwarded).toEqual({
      CLAUDE_CODE_OAUTH_TOKEN: "oauth",
      CODEX_API_KEY: "codex",
      ANTHROPIC_MODEL: "sonnet",
      GIT_TOKEN: "git",
    });
  });
});
