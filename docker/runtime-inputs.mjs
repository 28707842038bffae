#!/usr/bin/env node
// Prints two hashes of what the container-runtime image is made from, so that
// docker/build-runtime-image.sh redoes exactly what changed:
//   1. the production dependencies: the name@version of every registry package, and the
//      package.json and dist/ of every workspace package the runtime depends on;
//   2. the whole image: those, plus the Dockerfile and the staging script, the runtime's own
//      dist/ and package.json, the skills, and the base image's id (the argument).
//   node docker/runtime-inputs.mjs <base-image-id>   ->   "<dependencies> <image>"
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * One package in `pnpm list --json`: its dependencies by name, each with where it is
 * installed (a workspace package has a path outside node_modules).
 *
 * @typedef {{ version?: string, path?: string, dependencies?: Record<string, ListedPackage> }} ListedPackage
 */

const root = fileURLToPath(new URL("..", import.meta.url));
const runtimeDir = join(root, "apps", "container-runtime");

function hasher() {
  const hash = createHash("sha256");
  const add = (/** @type {string} */ label, /** @type {string | Buffer} */ content) => {
    hash.update(`${label}\0`);
    hash.update(content);
    hash.update("\0");
  };
  const addFile = (/** @type {string} */ path) => {
    if (existsSync(path)) add(relative(root, path), readFileSync(path));
  };
  /** @param {string} dir */
  const addTree = (dir) => {
    if (!existsSync(dir)) return;
    for (const entry of readdirSync(dir).sort()) {
      const path = join(dir, entry);
      if (entry === "node_modules") continue;
      if (statSync(path).isDirectory()) addTree(path);
      else addFile(path);
    }
  };
  return { add, addFile, addTree, digest: () => hash.digest("hex").slice(0, 24) };
}

// Production dependencies as pnpm resolved them.
const deps = hasher();
const pnpm = process.env.PNPM ?? "pnpm";
/** @type {unknown} */
const listed = JSON.parse(
  execFileSync(
    pnpm,
    ["--filter", "@app-building/container-runtime", "list", "--prod", "--depth", "Infinity", "--json"],
    {
      cwd: root,
      encoding: "utf8",
      maxBuffer: 64 * 1024 * 1024,
    },
  ),
);
const listing = /** @type {ListedPackage[]} */ (listed);
const seen = new Set();
/** @param {Record<string, ListedPackage> | undefined} dependencies */
function walk(dependencies) {
  for (const [name, dep] of Object.entries(dependencies ?? {}).sort(([a], [b]) => a.localeCompare(b))) {
    const workspacePath =
      typeof dep.path === "string" && !dep.path.split(sep).includes("node_modules") ? dep.path : null;
    const key = workspacePath !== null ? `${name}@workspace` : `${name}@${dep.version}`;
    if (seen.has(key)) continue;
    seen.add(key);
    deps.add("dependency", key);
    if (workspacePath !== null) {
      deps.addFile(join(workspacePath, "package.json"));
      deps.addTree(join(workspacePath, "dist"));
    }
    walk(dep.dependencies);
  }
}
walk(listing[0]?.dependencies);
const dependencies = deps.digest();

const image = hasher();
image.add("base-image", process.argv[2] ?? "");
image.add("dependencies", dependencies);
image.addFile(join(runtimeDir, "Dockerfile"));
image.addFile(join(root, "docker", "build-runtime-image.sh"));
image.addFile(join(runtimeDir, "package.json"));
image.addTree(join(runtimeDir, "dist"));
// The skills the image installs for the agent: every folder of skills/ holding a SKILL.md.
const skillsDir = join(root, "skills");
for (const entry of readdirSync(skillsDir).sort()) {
  if (existsSync(join(skillsDir, entry, "SKILL.md"))) image.addTree(join(skillsDir, entry));
}

console.log(`${dependencies} ${image.digest()}`);
