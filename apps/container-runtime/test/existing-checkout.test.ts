import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { git, subjects } from "./helpers/git.js";
import { startRuntime, tempDir, waitForMessage } from "./helpers/runtime-process.js";

// How the platform's own agent runs: in the platform's checkout, with no REPO_URL and
// PUSH_BRANCH naming the branch that checkout is on.
describe("a runtime started in an existing checkout", () => {
  it("keeps the checkout's branch and uncommitted files, and commits each message's work on that branch", async () => {
    const checkout = tempDir("existing-checkout");
    git(checkout, "init", "-q", "-b", "main");
    writeFileSync(join(checkout, "app.ts"), "export const version = 1;\n");
    git(checkout, "add", "-A");
    git(checkout, "commit", "-q", "-m", "first");
    const before = git(checkout, "rev-parse", "HEAD");
    // Work in progress the runtime must not touch: an edited tracked file and a new one.
    writeFileSync(join(checkout, "app.ts"), "export const version = 2;\n");
    writeFileSync(join(checkout, "notes.md"), "half-written notes\n");

    const rt = await startRuntime({
      AGENT: "command",
      AGENT_COMMAND: `echo "$1" > agent.txt`,
      DATA_DIR: tempDir("existing-checkout-data"),
      WORKSPACE_DIR: checkout,
      PUSH_BRANCH: "main",
    });
    try {
      expect(git(checkout, "symbolic-ref", "--short", "HEAD")).toBe("main");
      expect(git(checkout, "branch", "--format=%(refname:short)")).toBe("main");
      expect(git(checkout, "rev-parse", "HEAD")).toBe(before);
      expect(readFileSync(join(checkout, "app.ts"), "utf8")).toBe("export const version = 2;\n");
      expect(readFileSync(join(checkout, "notes.md"), "utf8")).toBe("half-written notes\n");
      expect((await rt.api<{ pushBranch: string; revision: string }>("/status")).body).toMatchObject({
        pushBranch: "main",
        revision: before,
      });

      const sent = await rt.api<{ id: string }>("/message", { body: { prompt: "note the change" } });
      expect(await waitForMessage(rt, sent.body.id)).toMatchObject({ status: "done" });
      await expect
        .poll(() => subjects(checkout, "main")[0], { timeout: 10_000 })
        .toBe(`message ${sent.body.id}: note the change`);
      expect(subjects(checkout, "main")).toHaveLength(2);
      expect(git(checkout, "symbolic-ref", "--short", "HEAD")).toBe("main");
      expect(git(checkout, "branch", "--format=%(refname:short)")).toBe("main");
      // The commit holds the agent's file and the work that was in progress.
      expect(git(checkout, "show", "--name-only", "--format=", "HEAD").split("\n").sort()).toEqual([
        "agent.txt",
        "app.ts",
        "notes.md",
      ]);
      expect(git(checkout, "show", "HEAD:app.ts")).toBe("export const version = 2;");
    } finally {
      await rt.kill();
    }
  });
});
