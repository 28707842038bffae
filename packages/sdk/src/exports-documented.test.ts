import { readFileSync, readdirSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const src = dirname(fileURLToPath(import.meta.url));

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return name.endsWith(".ts") && !name.endsWith(".test.ts") ? [path] : [];
  });
}

/** Every name `index.ts` exports. */
function exportedNames(): string[] {
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
  it("documents every export with TSDoc that carries an @example", () => {
    const files = sources(src).map((path) => ({ path, text: readFileSync(path, "utf8") }));
    const undocumented: string[] = [];
    for (const name of exportedNames()) {
      const declaration = new RegExp(
        `/\\*\\*((?:(?!\\*/)[\\s\\S])*)\\*/(?:\\s*//[^\\n]*)*\\s*export (?:async )?(?:const|function|class|interface|type) ${name}\\b`,
      );
      const documented = files.some(({ text }) => declaration.exec(text)?.[1]?.includes("@example") === true);
      if (!documented) undocumented.push(name);
    }
    expect(undocumented).toEqual([]);
  });
});
