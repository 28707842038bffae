import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { installSkills, loadSkills, parseFrontmatter } from "./skills.js";

function skillDir(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), "skills-"));
  for (const [folder, text] of Object.entries(files)) {
    mkdirSync(join(root, folder));
    writeFileSync(join(root, folder, "SKILL.md"), text);
  }
  return root;
}

describe("the shipped skills", () => {
  it("are all valid and include both build skills", () => {
    const { skills, problems } = loadSkills();
    expect(problems).toEqual([]);
    expect(skills.map((skill) => skill.name)).toEqual(expect.arrayContaining(["build", "build-unrestricted"]));
  });

  it("tell the agent the one blocking curl call to make", () => {
    const { skills } = loadSkills();
    for (const skill of skills.filter((s) => s.name.startsWith("build"))) {
      expect(skill.body).toContain(
        'curl -sS --max-time 600 -X POST "${CORE_BACK_URL:-http://127.0.0.1:4000}/api/v1/self/deploy"',
      );
      expect(skill.body).toContain('-H "Authorization: Bearer $APP_BUILDING_DEPLOY_TOKEN"');
      expect(skill.body).toMatch(/errorSummary/);
    }
  });

  it("give the tasks skill's calls the agent's tasks token", () => {
    const tasks = loadSkills().skills.find((s) => s.name === "tasks")!;
    expect(tasks.body).toContain('-H "Authorization: Bearer $APP_BUILDING_TASKS_TOKEN"');
    expect(tasks.body).toContain("process.env.APP_BUILDING_TASKS_TOKEN");
  });
});

describe("validation", () => {
  it("parses quoted and bare frontmatter values", () => {
    expect(parseFrontmatter('---\nname: "a"\ndescription: b c\n---\nbody')).toEqual({
      fields: { name: "a", description: "b c" },
      body: "body",
    });
    expect(parseFrontmatter("no frontmatter")).toBeNull();
  });

  it("reports each broken skill with the reason", () => {
    const root = skillDir({
      good: "---\nname: good\ndescription: does good things\n---\nDo it.\n",
      renamed: "---\nname: other\ndescription: d\n---\nx\n",
      "Bad-Name": "---\nname: Bad-Name\ndescription: d\n---\nx\n",
      empty: "---\nname: empty\ndescription: d\n---\n",
      nodesc: "---\nname: nodesc\n---\nx\n",
    });
    const { skills, problems } = loadSkills(root);
    expect(skills.map((s) => s.name)).toEqual(["good"]);
    expect(problems.map((p) => p.folder).sort()).toEqual(["Bad-Name", "empty", "nodesc", "renamed"]);
    expect(problems.find((p) => p.folder === "renamed")?.problem).toMatch(/equal the folder name/);
  });
});

describe("installSkills", () => {
  it("copies the chosen skills where Claude Code finds them", () => {
    const target = join(mkdtempSync(join(tmpdir(), "target-")), ".claude", "skills");
    expect(installSkills(target, ["build"])).toEqual(["build"]);
    expect(readFileSync(join(target, "build", "SKILL.md"), "utf8")).toContain("name: build");
  });

  it("refuses unknown names and invalid skill folders", () => {
    const target = mkdtempSync(join(tmpdir(), "target-"));
    expect(() => installSkills(target, ["nope"])).toThrow(/no such skill: nope/);
    const broken = skillDir({ bad: "---\nname: bad\n---\nx\n" });
    expect(() => installSkills(target, undefined, broken)).toThrow(/refusing to install invalid skills/);
  });
});
