import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { extractErrorLines, fallbackSummary, findSummaryPath, summarizeFailedRun } from "./error-summary.js";

describe("extractErrorLines", () => {
  it("keeps compiler errors with their continuation lines and drops package-manager noise", () => {
    const log = [
      "> @fx/lib@0.0.0 build",
      "\u001b[31msrc/a.ts(3,7): error TS2322: Type 'string' is not assignable to type 'number'.\u001b[0m",
      "src/b.ts(10,1): error TS2345: Argument of type 'X' is not assignable.",
      "  Property 'y' is missing in type 'X'.",
      "npm error Lifecycle script `build` failed with error:",
      "npm error code 2",
    ].join("\n");
    expect(extractErrorLines(log)).toEqual([
      "src/a.ts(3,7): error TS2322: Type 'string' is not assignable to type 'number'.",
      "src/b.ts(10,1): error TS2345: Argument of type 'X' is not assignable.",
      "  Property 'y' is missing in type 'X'.",
    ]);
  });

  it("falls back to the last lines when nothing looks like an error", () => {
    expect(extractErrorLines("one\ntwo\nthree\n")).toEqual(["one", "two", "three"]);
  });
});

describe("summarizeFailedRun", () => {
  it("lists each failed task with its exit code and its log's error lines", () => {
    const root = mkdtempSync(join(tmpdir(), "summary-"));
    mkdirSync(join(root, "packages/lib/.turbo"), { recursive: true });
    writeFileSync(join(root, "packages/lib/.turbo/turbo-build.log"), "src/x.ts(3,7): error TS2322: nope\n");
    const summary = summarizeFailedRun(
      {
        execution: { exitCode: 2, failed: 1 },
        tasks: [
          { taskId: "@fx/good#build", directory: "packages/good", execution: { exitCode: 0 } },
          { taskId: "@fx/cached#build", directory: "packages/cached" },
          {
            taskId: "@fx/lib#build",
            directory: "packages/lib",
            logFile: "packages/lib/.turbo/turbo-build.log",
            execution: { exitCode: 2, error: "command exited (2)" },
          },
        ],
      },
      root,
      2,
    );
    rmSync(root, { recursive: true, force: true });
    expect(summary).toBe(
      [
        "turbo failed (exit 2): 1 task failed",
        "@fx/lib#build (packages/lib) exited with code 2",
        "  src/x.ts(3,7): error TS2322: nope",
      ].join("\n"),
    );
  });

  it("gives nothing when no task failed, so the caller falls back to the output", () => {
    expect(summarizeFailedRun({ execution: {}, tasks: [] }, "/", 1)).toBeUndefined();
  });
});

describe("findSummaryPath and fallbackSummary", () => {
  it("finds the Summary line turbo prints, relative or absolute", () => {
    expect(findSummaryPath("Tasks: 1\nSummary:    /w/.turbo/runs/abc.json\n", "/w")).toBe("/w/.turbo/runs/abc.json");
    expect(findSummaryPath("Summary: .turbo/runs/abc.json", "/w")).toBe("/w/.turbo/runs/abc.json");
    expect(findSummaryPath("no summary here", "/w")).toBeUndefined();
  });

  it("says the exit code and shows the last lines of output", () => {
    const text = fallbackSummary("[core-back] header\n x No package found with name 'nope'\n", 1);
    expect(text).toBe("turbo failed (exit 1); the last lines of its output:\n x No package found with name 'nope'");
  });
});
