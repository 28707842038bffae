import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import ts from "typescript";

/** One entry point of a published package: `@app-building/types/process` and its declarations. */
export interface EntryPoint {
  name: string;
  dts: string;
}

/** Every entry point a package's `exports` names (`.` and each subpath), by its declarations. */
export function entryPoints(packageDir: string): EntryPoint[] {
  const manifest = JSON.parse(readFileSync(join(packageDir, "package.json"), "utf8")) as {
    name: string;
    exports: Record<string, { types: string }>;
  };
  return Object.entries(manifest.exports).map(([subpath, entry]) => ({
    name: join(manifest.name, subpath),
    dts: join(packageDir, entry.types),
  }));
}

/**
 * What a user's strict ESM project compiles with: the repository's own settings, so an
 * example that passes here passes under any laxer ones too. Node's types come from the
 * workspace, wherever the examples are placed.
 */
export const userCompilerOptions: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES2022,
  lib: ["lib.es2023.d.ts"],
  module: ts.ModuleKind.NodeNext,
  moduleResolution: ts.ModuleResolutionKind.NodeNext,
  moduleDetection: ts.ModuleDetectionKind.Force,
  strict: true,
  noUncheckedIndexedAccess: true,
  noImplicitOverride: true,
  verbatimModuleSyntax: true,
  isolatedModules: true,
  skipLibCheck: true,
  noEmit: true,
  types: ["node"],
  typeRoots: [dirname(dirname(createRequire(import.meta.url).resolve("@types/node/package.json")))],
};

/** The packages' declarations, loaded once for every check. */
export function loadEntryPoints(entries: EntryPoint[]): ts.Program {
  const program = ts.createProgram(
    entries.map((entry) => entry.dts),
    userCompilerOptions,
  );
  for (const entry of entries) {
    if (program.getSourceFile(entry.dts) === undefined) {
      throw new Error(`cannot read ${entry.dts}: build the package first`);
    }
  }
  return program;
}

/** One export of an entry point, as the declaration that documents it. */
export interface DocumentedExport {
  entry: string;
  name: string;
  symbol: ts.Symbol;
}

/** The exports of each entry point, each symbol once (under the first entry point that exports it). */
export function exportsOf(program: ts.Program, entries: EntryPoint[]): DocumentedExport[] {
  const checker = program.getTypeChecker();
  const seen = new Set<ts.Symbol>();
  const found: DocumentedExport[] = [];
  for (const entry of entries) {
    const module = checker.getSymbolAtLocation(program.getSourceFile(entry.dts)!);
    if (module === undefined) throw new Error(`${entry.dts} exports nothing`);
    for (const exported of checker.getExportsOfModule(module)) {
      const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
      if (seen.has(symbol)) continue;
      seen.add(symbol);
      found.push({ entry: entry.name, name: exported.name, symbol });
    }
  }
  return found;
}

/** An export of a package's declarations that lacks documentation a user needs. */
export interface UndocumentedExport {
  name: string;
  missing: "doc" | "example";
}

/**
 * Every export of a declaration entry point (`dist/index.d.ts`) that has no TSDoc, or no
 * `@example`: the published packages promise both on every export.
 */
export function undocumentedExports(program: ts.Program, entryDts: string): UndocumentedExport[] {
  const checker = program.getTypeChecker();
  const found: UndocumentedExport[] = [];
  for (const { name, symbol } of exportsOf(program, [{ name: entryDts, dts: entryDts }])) {
    if (ts.displayPartsToString(symbol.getDocumentationComment(checker)).trim() === "") {
      found.push({ name, missing: "doc" });
    } else if (!symbol.getJsDocTags(checker).some((tag) => tag.name === "example")) {
      found.push({ name, missing: "example" });
    }
  }
  return found;
}
