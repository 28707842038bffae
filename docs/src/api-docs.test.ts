import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { undocumentedExports } from "./api-docs.js";

const repoRoot = resolve(fileURLToPath(new URL("../..", import.meta.url)));

/** Every entry point a published package exports (`.` and each subpath), by its declarations. */
function entryPoints(pkg: string): Array<[string, string]> {
  const manifest = JSON.parse(readFileSync(join(repoRoot, pkg, "package.json"), "utf8")) as {
    name: string;
    exports: Record<string, { types: string }>;
  };
  return Object.entries(manifest.exports).map(([subpath, entry]) => [
    join(manifest.name, subpath),
    join(repoRoot, pkg, entry.types),
  ]);
}

const published = [...entryPoints("packages/sdk"), ...entryPoints("packages/types")];

describe("the published packages", () => {
  it("export their subpaths too", () => {
    expect(published.map(([name]) => name)).toContain("@app-building/types/process");
  });

  it.each(published)("%s documents every export with TSDoc and an @example", (_name, entryDts) => {
    expect(undocumentedExports(entryDts)).toEqual([]);
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
