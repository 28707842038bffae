import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { entryPoints, loadEntryPoints } from "./api-docs.js";
import { formatExampleFailure, uncompilableExamples } from "./examples.js";

/** A doc comment as the compiler writes it into declarations, around an @example's lines. */
function documented(summary: string, example: string[]): string {
  return ["/**", ` * ${summary}`, " *", " * @example", ...example.map((line) => ` * ${line}`.trimEnd()), " */"].join(
    "\n",
  );
}

/**
 * Installs `@fixture/<name>` in a user's project: a package whose one export, `halve`,
 * carries `example`, with its built `dist/index.d.ts`, its declaration map, and the
 * `src/index.ts` the map names (where the comment sits two lines lower, below a header).
 */
function installPackage(projectDir: string, name: string, example: string[]): string {
  const packageDir = join(projectDir, "node_modules", "@fixture", name);
  mkdirSync(join(packageDir, "dist"), { recursive: true });
  mkdirSync(join(packageDir, "src"));
  writeFileSync(
    join(packageDir, "package.json"),
    JSON.stringify({
      name: `@fixture/${name}`,
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
  return packageDir;
}

// In src/index.ts the example's first code line (after the ```ts fence) is line 8.
const examples: Record<string, string[]> = {
  good: [
    "```ts",
    'import { halve } from "@fixture/good";',
    "const price = Number(process.argv[2] ?? 10);",
    "console.log(halve(price));",
    "```",
  ],
  "type-error": ["```ts", 'import { halve } from "@fixture/type-error";', "const label: string = halve(4);", "```"],
  undeclared: ["```ts", 'import { halve } from "@fixture/undeclared";', "halve(total);", "```"],
  relative: ["```ts", 'import { halve } from "./index.js";', "halve(4);", "```"],
  prose: ["halve(4); // 2"],
};

describe("uncompilableExamples", () => {
  // One project with every fixture package, checked in one run as the real packages are.
  let failures: Map<string, string[]>;
  beforeAll(() => {
    const projectDir = mkdtempSync(join(tmpdir(), "api-docs-examples-"));
    const entries = Object.entries(examples).flatMap(([name, example]) =>
      entryPoints(installPackage(projectDir, name, example)),
    );
    failures = new Map(entries.map((entry) => [entry.name, []]));
    const root = join(projectDir, "node_modules", "@fixture");
    for (const failure of uncompilableExamples(loadEntryPoints(entries), entries, { projectDir, root })) {
      failures.get(failure.entry)!.push(formatExampleFailure(failure));
    }
  });

  it("passes an example that imports what it uses from the package and declares its inputs", () => {
    expect(failures.get("@fixture/good")).toEqual([]);
  });

  it("reports a type error at the line of the source file the example was written in", () => {
    expect(failures.get("@fixture/type-error")).toEqual([
      "@fixture/type-error halve: example does not compile: type-error/src/index.ts:9 Type 'number' is not assignable to type 'string'.",
    ]);
  });

  it("reports a name the example neither declares nor imports", () => {
    expect(failures.get("@fixture/undeclared")).toEqual([
      "@fixture/undeclared halve: example does not compile: undeclared/src/index.ts:9 Cannot find name 'total'.",
    ]);
  });

  it("reports an import by a relative path, which a user of the package cannot write", () => {
    expect(failures.get("@fixture/relative")).toEqual([
      "@fixture/relative halve: example does not compile: relative/src/index.ts:8 Cannot find module './index.js' or its corresponding type declarations.",
    ]);
  });

  it("reports an example with no ```ts block, which nothing would check", () => {
    expect(failures.get("@fixture/prose")).toEqual([
      "@fixture/prose halve: example does not compile: prose/src/index.ts:6 the @example has no ```ts block",
    ]);
  });
});
