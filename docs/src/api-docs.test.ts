import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { undocumentedExports } from "./api-docs.js";

const repoRoot = resolve(fileURLToPath(new URL("../..", import.meta.url)));

describe("the published packages", () => {
  it.each(["packages/sdk", "packages/types"])("%s documents every export with TSDoc and an @example", (pkg) => {
    expect(undocumentedExports(join(repoRoot, pkg, "dist", "index.d.ts"))).toEqual([]);
  });
});

describe("undocumentedExports", () => {
  it("names exports without a doc comment and exports without an example", () => {
    const dir = mkdtempSync(join(tmpdir(), "api-docs-"));
    const entry = join(dir, "index.d.ts");
    writeFileSync(
      entry,
      [
        "/**\n * Adds.\n *\n * @example\n * ```ts\n * add(1, 2);\n * ```\n */",
        "export declare function add(a: number, b: number): number;",
        "/** Subtracts. */",
        "export declare function sub(a: number, b: number): number;",
        "export declare const bare: number;",
      ].join("\n"),
    );
    expect(undocumentedExports(entry)).toEqual([
      { name: "sub", missing: "example" },
      { name: "bare", missing: "doc" },
    ]);
  });
});
