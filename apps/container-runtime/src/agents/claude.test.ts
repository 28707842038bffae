import { describe, expect, it } from "vitest";
import { claudeEnv } from "./claude.js";

describe("claudeEnv", () => {
  it("tells Claude Code it runs in a sandbox when the runtime runs as root", () => {
    expect(claudeEnv({ PATH: "/bin" }, 0)).toEqual({ PATH: "/bin", IS_SANDBOX: "1" });
  });

  it("keeps an IS_SANDBOX the environment already sets", () => {
    expect(claudeEnv({ IS_SANDBOX: "0" }, 0)).toEqual({ IS_SANDBOX: "0" });
  });

  it("adds nothing for a non-root runtime", () => {
    expect(claudeEnv({ PATH: "/bin" }, 1000)).toEqual({ PATH: "/bin" });
  });
});
