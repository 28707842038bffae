import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { entryPoints, loadEntryPoints } from "./api-docs.js";
import { formatExampleFailure, uncompilableExamples } from "./examples.js";

/** A doc comment as the compiler writes it into declarations, around an @example's lines. */
function documented(summary: string, example: string[]): string {
  return ["/**", ` * ${summary}`, " *", " * @example", ...example.map((line) => ` * ${line}`.trimEnd()), " */"].join(
    "\n",
  );
}

/**
 * A user's project with one installed package, `@fixture/calc`, whose declarations carry
 * `halve`'s example: its built `dist/index.d.ts`, its declaration map, and the `src/index.ts`
 * the map names (where the comment sits lower, as a source's imports push it down).
 */
function projectWithCalc(example: string[]): { projectDir: string; packageDir: string } {
  const projectDir = mkdtempSync(join(tmpdir(), "api-docs-examples-"));
  const packageDir = join(projectDir, "node_modules", "@fixture", "calc");
  mkdirSync(join(packageDir, "dist"), { recursive: true });
  mkdirSync(join(packageDir, "src"));
  writeFileSync(
    join(packageDir, "package.json"),
    JSON.stringify({
      name: "@fixture/calc",
      type: "module",
      exports: { ".": { types: "./dist/index.d.ts", default: "./dist/index.js" } },
    }),
  );
  const comment = documented("Half of `n`.", example);
  writeFileSync(
    join(packageDir, "dist", "index.d.ts"),
    `${comment}\nexport declare function halve(n: number): number;\n`,
  );
  writeFileSync(
    join(packageDir, "dist", "index.d.ts.map"),
    JSON.stringify({
      version: 3,
      file: "index.d.ts",
      sourceRoot: "",
      sources: ["../src/index.ts"],
      names: [],
      mappings: "",
    }),
  );
  writeFileSync(
    join(packageDir, "src", "index.ts"),
    `// Arithmetic.\n\n${comment}\nexport function halve(n: number): number {\n  return n / 2;\n}\n`,
  );
  return { projectDir, packageDir };
}

function failuresOf(example: string[]): string[] {
  const { projectDir, packageDir } = projectWithCalc(example);
  const entries = entryPoints(packageDir);
  return uncompilableExamples(loadEntryPoints(entries), entries, { projectDir, root: packageDir }).map(
    formatExampleFailure,
  );
}

describe("uncompilableExamples", () => {
  it("passes an example that imports what it uses from the package and declares its inputs", () => {
    expect(
      failuresOf([
        "```ts",
        'import { halve } from "@fixture/calc";',
        "const price = Number(process.argv[2] ?? 10);",
        "console.log(halve(price));",
        "```",
      ]),
    ).toEqual([]);
  });

  it("reports a type error at the line of the source file the example was written in", () => {
    expect(
      failuresOf(["```ts", 'import { halve } from "@fixture/calc";', "const label: string = halve(4);", "```"]),
    ).toEqual([
      "@fixture/calc halve: example does not compile: src/index.ts:9 Type 'number' is not assignable to type 'string'.",
    ]);
  });

  it("reports a name the example neither declares nor imports", () => {
    expect(failuresOf(["```ts", 'import { halve } from "@fixture/calc";', "halve(total);", "```"])).toEqual([
      "@fixture/calc halve: example does not compile: src/index.ts:9 Cannot find name 'total'.",
    ]);
  });

  it("reports an import by a relative path, which a user of the package cannot write", () => {
    expect(failuresOf(["```ts", 'import { halve } from "./index.js";', "halve(4);", "```"])).toEqual([
      "@fixture/calc halve: example does not compile: src/index.ts:8 Cannot find module './index.js' or its corresponding type declarations.",
    ]);
  });

  it("reports an example with no ```ts block, which nothing would check", () => {
    expect(failuresOf(["halve(4); // 2"])).toEqual([
      "@fixture/calc halve: example does not compile: src/index.ts:6 the @example has no ```ts block",
    ]);
  });
});
