import { readFileSync, readdirSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

/**
 * The published entry points held to this rule, as source folders with an `index.ts`: the
 * SDK, and `@app-building/types/process` (the process groups it is built on).
 */
const entryPoints: [name: string, src: string][] = [
  ["@app-building/sdk", dirname(fileURLToPath(import.meta.url))],
  [
    "@app-building/types/process",
    // dist/process/index.js of the workspace's types package, back to its sources.
    join(dirname(createRequire(import.meta.url).resolve("@app-building/types/process")), "..", "..", "src", "process"),
  ],
];

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return name.endsWith(".ts") && !name.endsWith(".test.ts") ? [path] : [];
  });
}

/** Every name an entry point's `index.ts` exports. */
function exportedNames(src: string): string[] {
  const index = readFileSync(join(src, "index.ts"), "utf8");
  const names: string[] = [];
  for (const match of index.matchAll(/export (?:type )?\{([^}]*)\}/g)) {
    for (const part of match[1]!.split(",")) {
      const name = part.replace(/\btype\b/, "").trim();
      if (name !== "") names.push(name);
    }
  }
  return names;
}

describe("the published API", () => {
  it.each(entryPoints)("documents every export of %s with TSDoc that carries an @example", (_name, src) => {
    const files = sources(src).map((path) => ({ path, text: readFileSync(path, "utf8") }));
    const undocumented: string[] = [];
    const names = exportedNames(src);
    expect(names.length).toBeGreaterThan(0);
    for (const name of names) {
      const declaration = new RegExp(
        `/\\*\\*((?:(?!\\*/)[\\s\\S])*)\\*/(?:\\s*//[^\\n]*)*\\s*export (?:async )?(?:const|function|class|interface|type) ${name}\\b`,
      );
      const documented = files.some(({ text }) => declaration.exec(text)?.[1]?.includes("@example") === true);
      if (!documented) undocumented.push(name);
    }
    expect(undocumented).toEqual([]);
  });
});
