import { join, relative } from "node:path";
import ts from "typescript";
import { userCompilerOptions, type EntryPoint } from "./api-docs.js";
import { exampleBlocks } from "./example-blocks.js";
import { sourceLineOf } from "./source-lines.js";

/** An `@example` a user could not compile as written. */
export interface ExampleFailure {
  entry: string;
  name: string;
  /** Where the failing line was written, relative to the root the check was given. */
  file: string;
  line: number;
  diagnostic: string;
}

/** Where the examples are compiled, and what their failures are reported against. */
export interface ExampleCheckOptions {
  /**
   * A directory of a project that depends on the packages: each example is compiled as a
   * module placed there, so its imports resolve through that project's `node_modules` as a
   * user's would, to the packages' built declarations.
   */
  projectDir: string;
  /** Failures name their files relative to this directory. */
  root: string;
}

/**
 * Every `@example` of the entry points' exports that does not compile: each ```ts block is
 * an ES module of its own (top-level await allowed) in `projectDir`, importing what it uses
 * from the packages' public entry points, and all of them are checked in one program. An
 * `@example` without a ```ts block fails too, since nothing would check it.
 */
export function uncompilableExamples(
  program: ts.Program,
  entries: EntryPoint[],
  options: ExampleCheckOptions,
): ExampleFailure[] {
  const { blocks, prose } = exampleBlocks(program, entries);
  const failures: ExampleFailure[] = prose.map((example) => ({
    entry: example.entry,
    name: example.name,
    ...located(example.dts, example.line, example.name, options.root),
    diagnostic: "the @example has no ```ts block",
  }));
  const modules = new Map(
    blocks.map((block, index) => [join(options.projectDir, `example-${index}-${block.name}.mts`), block] as const),
  );
  const examples = ts.createProgram({
    rootNames: [...modules.keys()],
    options: userCompilerOptions,
    host: hostWith(modules),
    oldProgram: program,
  });
  const setup = [...examples.getOptionsDiagnostics(), ...examples.getGlobalDiagnostics()];
  if (setup.length > 0) throw new Error(ts.formatDiagnostics(setup, formatHost));
  for (const [file, block] of modules) {
    const source = examples.getSourceFile(file)!;
    for (const diagnostic of [
      ...examples.getSyntacticDiagnostics(source),
      ...examples.getSemanticDiagnostics(source),
    ]) {
      const line = source.getLineAndCharacterOfPosition(diagnostic.start ?? 0).line;
      failures.push({
        entry: block.entry,
        name: block.name,
        ...located(block.dts, block.line + line, block.name, options.root),
        diagnostic: ts.flattenDiagnosticMessageText(diagnostic.messageText, " "),
      });
    }
  }
  return failures;
}

/** `@app-building/sdk createClient: example does not compile: packages/sdk/src/client.ts:12 Cannot find name 'x'.` */
export function formatExampleFailure(failure: ExampleFailure): string {
  return `${failure.entry} ${failure.name}: example does not compile: ${failure.file}:${failure.line} ${failure.diagnostic}`;
}

function located(dts: string, dtsLine: number, name: string, root: string): { file: string; line: number } {
  const { file, line } = sourceLineOf(dts, dtsLine, name);
  return { file: relative(root, file), line };
}

/** A compiler host that also serves the examples, which exist only in memory. */
function hostWith(modules: Map<string, { code: string }>): ts.CompilerHost {
  const host = ts.createCompilerHost(userCompilerOptions);
  return {
    ...host,
    getSourceFile: (fileName, languageVersion, ...rest) => {
      const example = modules.get(fileName);
      return example === undefined
        ? host.getSourceFile(fileName, languageVersion, ...rest)
        : ts.createSourceFile(fileName, example.code, languageVersion, true);
    },
    fileExists: (fileName) => modules.has(fileName) || host.fileExists(fileName),
    readFile: (fileName) => modules.get(fileName)?.code ?? host.readFile(fileName),
  };
}

const formatHost: ts.FormatDiagnosticsHost = {
  getCanonicalFileName: (fileName) => fileName,
  getCurrentDirectory: () => process.cwd(),
  getNewLine: () => "\n",
};
