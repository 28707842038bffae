import { readFileSync } from "node:fs";
import { join } from "node:path";

/**
 * Reads `<projectRoot>/.env` into an object (`{}` when there is no such file), as the seed
 * did: `NAME=value` lines, blank lines and `#` comments skipped, one pair of matching
 * quotes around a value removed. Nothing is added to `process.env`.
 *
 * @example
 * ```ts
 * import { FileContainerRegistry, loadDotEnv, startContainer } from "@app-building/sdk";
 * const vars = loadDotEnv(process.cwd());
 * const state = await startContainer(
 *   { envVars: { ANTHROPIC_API_KEY: vars.ANTHROPIC_API_KEY ?? "" }, registry: new FileContainerRegistry(".container-registry.jsonl") },
 *   null,
 * );
 * ```
 */
export function loadDotEnv(projectRoot: string): Record<string, string> {
  let text: string;
  try {
    text = readFileSync(join(projectRoot, ".env"), "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return {};
    throw error;
  }
  const vars: Record<string, string> = {};
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) continue;
    const eq = line.indexOf("=");
    if (eq <= 0) continue;
    vars[line.slice(0, eq).trim()] = unquote(line.slice(eq + 1).trim());
  }
  return vars;
}

function unquote(value: string): string {
  const first = value[0];
  if (value.length >= 2 && (first === '"' || first === "'") && value.endsWith(first)) return value.slice(1, -1);
  return value;
}
