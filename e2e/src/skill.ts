import { readFileSync } from "node:fs";
import { join } from "node:path";
import { repoRoot } from "./paths.js";

/** The one `bash` block of a skill: the exact command it tells the agent to run. */
export function skillCommand(skill: string): string {
  const text = readFileSync(join(repoRoot, "skills", skill, "SKILL.md"), "utf8");
  const match = /```bash\n([\s\S]*?)\n```/.exec(text);
  if (match?.[1] === undefined) throw new Error(`skills/${skill}/SKILL.md has no bash block`);
  return match[1];
}
