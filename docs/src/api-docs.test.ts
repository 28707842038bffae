import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { entryPoints, exportsOf, loadEntryPoints, undocumentedExports } from "./api-docs.js";
import { exampleBlocks } from "./example-blocks.js";
import { formatExampleFailure, uncompilableExamples } from "./examples.js";

const repoRoot = resolve(fileURLToPath(new URL("../..", import.meta.url)));
const published = [...entryPoints(join(repoRoot, "packages/sdk")), ...entryPoints(join(repoRoot, "packages/types"))];
// Loaded once: the declarations of both packages, shared by every check below.
const program = loadEntryPoints(published);

describe("the published packages", () => {
  it("export their subpaths too", () => {
    expect(published.map((entry) => entry.name)).toContain("@app-building/types/process");
  });

  it.each(published.map((entry) => [entry.name, entry.dts]))(
    "%s documents every export with TSDoc and an @example",
    (_name, entryDts) => {
      expect(undocumentedExports(program, entryDts)).toEqual([]);
    },
  );

  it("have examples that compile as a user's own code, importing from the packages by name", () => {
    // Every export has an example (above), and every example a block: none is left unchecked.
    expect(exampleBlocks(program, published).blocks.length).toBeGreaterThanOrEqual(
      exportsOf(program, published).length,
    );
    // docs depends on both packages, as a user's project would.
    const failures = uncompilableExamples(program, published, { projectDir: join(repoRoot, "docs"), root: repoRoot });
    expect(failures.map(formatExampleFailure)).toEqual([]);
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
    expect(undocumentedExports(loadEntryPoints([{ name: "fixture", dts: entry }]), entry)).toEqual([
      { name: "sub", missing: "example" },
      { name: "bare", missing: "doc" },
    ]);
  });
});
