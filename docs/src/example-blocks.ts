import ts from "typescript";
import { exportsOf, type EntryPoint } from "./api-docs.js";

/** The ```ts code of one `@example`, and where its first line sits in the declarations. */
export interface ExampleBlock {
  entry: string;
  name: string;
  code: string;
  dts: string;
  /** The 0-based line of the block's first code line in `dts`. */
  line: number;
}

/** An `@example` with no ```ts block to compile, so it can say anything. */
export interface ProseExample {
  entry: string;
  name: string;
  dts: string;
  line: number;
}

const OPENING_FENCE = /^```(ts|typescript)\s*$/;
const CLOSING_FENCE = /^```\s*$/;

/** A line of a doc comment without its leading ` * `, as the reader sees it. */
export function commentLine(line: string): string {
  return line.replace(/^\s*\*(?!\/) ?/, "");
}

/** Every `@example` of every export of the entry points, split into its ```ts blocks. */
export function exampleBlocks(
  program: ts.Program,
  entries: EntryPoint[],
): { blocks: ExampleBlock[]; prose: ProseExample[] } {
  const blocks: ExampleBlock[] = [];
  const prose: ProseExample[] = [];
  const seen = new Set<ts.JSDocTag>();
  for (const { entry, name, symbol } of exportsOf(program, entries)) {
    for (const declaration of symbol.declarations ?? []) {
      const source = declaration.getSourceFile();
      for (const tag of ts.getJSDocTags(declaration)) {
        if (tag.tagName.text !== "example" || seen.has(tag)) continue;
        seen.add(tag);
        const first = source.getLineAndCharacterOfPosition(tag.pos).line;
        const lines = source.text.slice(tag.pos, tag.end).split("\n").map(commentLine);
        const found = fencedBlocks(lines).map(({ start, code }) => ({
          entry,
          name,
          code,
          dts: source.fileName,
          line: first + start,
        }));
        if (found.length === 0) prose.push({ entry, name, dts: source.fileName, line: first });
        blocks.push(...found);
      }
    }
  }
  return { blocks, prose };
}

/** The ```ts blocks of a tag's lines: the index of each block's first code line, and its code. */
function fencedBlocks(lines: string[]): Array<{ start: number; code: string }> {
  const found: Array<{ start: number; code: string }> = [];
  let start = -1;
  for (const [index, line] of lines.entries()) {
    if (start === -1 && OPENING_FENCE.test(line)) start = index + 1;
    else if (start !== -1 && CLOSING_FENCE.test(line)) {
      found.push({ start, code: lines.slice(start, index).join("\n") });
      start = -1;
    }
  }
  return found;
}
