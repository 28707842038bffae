import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const src = dirname(fileURLToPath(import.meta.url));

/** Every module of the SDK (tests aside), as a path relative to `src/`. */
function modules(dir = src): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return modules(path);
    return entry.name.endsWith(".ts") && !entry.name.endsWith(".test.ts") ? [relative(src, path)] : [];
  });
}

describe("the SDK's layers", () => {
  it("keep the CLI on top: no library module imports from cli/", () => {
    const library = modules().filter((path) => !path.startsWith("cli/"));
    expect(library).toContain("index.ts");
    const offenders = library.filter((path) => /from "(\.{1,2}\/)+cli\//.test(readFileSync(join(src, path), "utf8")));
    expect(offenders).toEqual([]);
  });
});
