import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** A skill as read from its `SKILL.md`. */
export interface Skill {
  /** The folder name, which must equal the frontmatter `name`. */
  folder: string;
  name: string;
  description: string;
  /** The Markdown body after the frontmatter. */
  body: string;
}

/** A problem found in a skill folder. */
export interface SkillProblem {
  folder: string;
  problem: string;
}

const NAME_PATTERN = /^[a-z0-9]+(-[a-z0-9]+)*$/;
const MAX_NAME = 64;
const MAX_DESCRIPTION = 1024;

/** The folder holding this package's skills (one sub-folder per skill). */
export const SKILLS_ROOT = resolve(fileURLToPath(new URL("..", import.meta.url)));

/** Splits `---\nkey: value\n---\nbody` into its fields and body; returns null when there is no frontmatter. */
export function parseFrontmatter(text: string): { fields: Record<string, string>; body: string } | null {
  const match = /^---\r?\n([\s\S]*?)\r?\n---\r?\n?([\s\S]*)$/.exec(text);
  if (match === null) return null;
  const fields: Record<string, string> = {};
  for (const line of (match[1] ?? "").split(/\r?\n/)) {
    const field = /^([A-Za-z0-9_-]+):\s*(.*)$/.exec(line);
    if (field?.[1] !== undefined) fields[field[1]] = (field[2] ?? "").trim().replace(/^["'](.*)["']$/, "$1");
  }
  return { fields, body: match[2] ?? "" };
}

/** Reads one skill folder and lists what is wrong with it, if anything. */
export function readSkill(root: string, folder: string): { skill: Skill | null; problems: SkillProblem[] } {
  const file = join(root, folder, "SKILL.md");
  if (!existsSync(file)) return { skill: null, problems: [{ folder, problem: "has no SKILL.md" }] };
  const parsed = parseFrontmatter(readFileSync(file, "utf8"));
  if (parsed === null) return { skill: null, problems: [{ folder, problem: "SKILL.md has no --- frontmatter ---" }] };
  const name = parsed.fields.name ?? "";
  const description = parsed.fields.description ?? "";
  const problems: SkillProblem[] = [];
  if (!NAME_PATTERN.test(name) || name.length > MAX_NAME) {
    problems.push({
      folder,
      problem: `name "${name}" must be lowercase words joined by hyphens, at most ${MAX_NAME} characters`,
    });
  } else if (name !== folder) {
    problems.push({ folder, problem: `name "${name}" must equal the folder name` });
  }
  if (description === "" || description.length > MAX_DESCRIPTION) {
    problems.push({ folder, problem: `description must be 1 to ${MAX_DESCRIPTION} characters` });
  }
  if (parsed.body.trim() === "")
    problems.push({ folder, problem: "SKILL.md has no instructions after the frontmatter" });
  return { skill: problems.length === 0 ? { folder, name, description, body: parsed.body } : null, problems };
}

/** Every skill folder under `root` (folders holding a SKILL.md), validated. */
export function loadSkills(root: string = SKILLS_ROOT): { skills: Skill[]; problems: SkillProblem[] } {
  const skills: Skill[] = [];
  const problems: SkillProblem[] = [];
  for (const entry of readdirSync(root).sort()) {
    const dir = join(root, entry);
    if (!statSync(dir).isDirectory() || !existsSync(join(dir, "SKILL.md"))) continue;
    const result = readSkill(root, entry);
    if (result.skill !== null) skills.push(result.skill);
    problems.push(...result.problems);
  }
  return { skills, problems };
}

/**
 * Copies the named skills (all valid ones by default) into `targetDir`, e.g. a
 * workspace's `.claude/skills`, where Claude Code finds them. Refuses invalid skills.
 */
export function installSkills(targetDir: string, names?: readonly string[], root: string = SKILLS_ROOT): string[] {
  const { skills, problems } = loadSkills(root);
  if (problems.length > 0) {
    throw new Error(
      `refusing to install invalid skills: ${problems.map((p) => `${p.folder} ${p.problem}`).join("; ")}`,
    );
  }
  const chosen = names === undefined ? skills : skills.filter((skill) => names.includes(skill.name));
  const missing = (names ?? []).filter((name) => !skills.some((skill) => skill.name === name));
  if (missing.length > 0) throw new Error(`no such skill: ${missing.join(", ")}`);
  mkdirSync(targetDir, { recursive: true });
  for (const skill of chosen) cpSync(join(root, skill.folder), join(targetDir, skill.folder), { recursive: true });
  return chosen.map((skill) => skill.name);
}
