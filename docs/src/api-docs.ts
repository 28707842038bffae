import ts from "typescript";

/** An export of a package's declarations that lacks documentation a user needs. */
export interface UndocumentedExport {
  name: string;
  missing: "doc" | "example";
}

/**
 * Every export of a declaration entry point (`dist/index.d.ts`) that has no TSDoc, or no
 * `@example`: the published packages promise both on every export.
 */
export function undocumentedExports(entryDts: string): UndocumentedExport[] {
  const program = ts.createProgram([entryDts], { noEmit: true });
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(entryDts);
  if (source === undefined) throw new Error(`cannot read ${entryDts}: build the package first`);
  const module = checker.getSymbolAtLocation(source);
  if (module === undefined) throw new Error(`${entryDts} exports nothing`);
  const found: UndocumentedExport[] = [];
  for (const exported of checker.getExportsOfModule(module)) {
    const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
    if (ts.displayPartsToString(symbol.getDocumentationComment(checker)).trim() === "") {
      found.push({ name: exported.name, missing: "doc" });
    } else if (!symbol.getJsDocTags(checker).some((tag) => tag.name === "example")) {
      found.push({ name: exported.name, missing: "example" });
    }
  }
  return found;
}
