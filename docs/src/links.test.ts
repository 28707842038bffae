import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { checkLinks, headingAnchor } from "./links.js";

const repoRoot = resolve(fileURLToPath(new URL("../..", import.meta.url)));

describe("the repository's documentation", () => {
  it("has no broken relative link or anchor", () => {
    expect(checkLinks(repoRoot)).toEqual([]);
  });
});

describe("checkLinks", () => {
  it("finds missing files and missing anchors, and ignores code fences and external links", () => {
    const root = mkdtempSync(join(tmpdir(), "docs-"));
    mkdirSync(join(root, "sub"));
    writeFileSync(join(root, "sub", "b.md"), "# Title\n## The `deploy` route\n");
    writeFileSync(
      join(root, "a.md"),
      [
        "[ok](sub/b.md) [anchor](sub/b.md#the-deploy-route) [self](#top)",
        "# Top",
        "[gone](missing.md) [bad anchor](sub/b.md#nope) [web](https://example.com/x.md)",
        "```",
        "[in a fence](nowhere.md)",
        "```",
      ].join("\n"),
    );
    expect(checkLinks(root)).toEqual([
      { file: "a.md", line: 3, target: "missing.md", reason: "no such file" },
      { file: "a.md", line: 3, target: "sub/b.md#nope", reason: "no heading #nope" },
    ]);
  });

  it("makes GitHub-style anchors", () => {
    expect(headingAnchor("POST /api/v1/self/deploy")).toBe("post-apiv1selfdeploy");
    expect(headingAnchor("Errors and bad input")).toBe("errors-and-bad-input");
  });
});
