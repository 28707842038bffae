import { existsSync, readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { commentLine } from "./example-blocks.js";

/** A line in a file, 1-based, as an editor shows it. */
export interface SourceLine {
  file: string;
  line: number;
}

/**
 * Where a line of a doc comment in built declarations was written: the declaration map
 * (`x.d.ts.map`) names the source, and the comment is found there by its text (the compiler
 * copies comments verbatim). When two comments hold the same text, the one above `name`
 * wins. Without a map or a match, the declaration file's own line.
 */
export function sourceLineOf(dts: string, dtsLine: number, name: string): SourceLine {
  const inDts = { file: dts, line: dtsLine + 1 };
  const source = mappedSource(dts);
  if (source === undefined) return inDts;
  const wanted = commentAround(readFileSync(dts, "utf8").split("\n"), dtsLine);
  const lines = readFileSync(source, "utf8").split("\n");
  const matches: number[] = [];
  for (let at = 0; at + wanted.lines.length <= lines.length; at++) {
    if (wanted.lines.every((line, k) => commentLine(lines[at + k]!) === line)) matches.push(at);
  }
  const above = matches.find((at) => declaresName(lines, at + wanted.lines.length, name)) ?? matches[0];
  return above === undefined ? inDts : { file: source, line: above + wanted.offset + 1 };
}

/** The source file a declaration map names, if the map is there and the file exists. */
function mappedSource(dts: string): string | undefined {
  const map = `${dts}.map`;
  if (!existsSync(map)) return undefined;
  const { sources, sourceRoot } = JSON.parse(readFileSync(map, "utf8")) as { sources: string[]; sourceRoot?: string };
  const first = sources[0];
  if (first === undefined) return undefined;
  const source = resolve(dirname(map), sourceRoot ?? "", first);
  return existsSync(source) ? source : undefined;
}

/** The doc comment holding `line`, as the reader sees its lines, and `line`'s place in it. */
function commentAround(lines: string[], line: number): { lines: string[]; offset: number } {
  let start = line;
  while (start > 0 && !lines[start]!.includes("/**")) start--;
  let end = line;
  while (end < lines.length - 1 && !lines[end]!.includes("*/")) end++;
  return { lines: lines.slice(start + 1, end).map(commentLine), offset: line - start - 1 };
}

/** Whether the code after a doc comment's body (its closing line at `at`) declares `name`. */
function declaresName(lines: string[], at: number, name: string): boolean {
  const after = lines.slice(at + 1, at + 4).join("\n");
  return new RegExp(`\\b${name}\\b`).test(after);
}
