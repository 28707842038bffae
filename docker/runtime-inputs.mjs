#!/usr/bin/env node
// Prints one hash of everything the container-runtime image is made from, so that
// docker/build-runtime-image.sh rebuilds the image exactly when one of them changed:
// the Dockerfile and the staging script, the runtime's dist/ and package.json, the dist/ of
// every workspace package it depends on, the name@version of every production dependency,
// the skills, and the base image's id (the last argument).
//   node docker/runtime-inputs.mjs <base-image-id>
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const runtimeDir = join(root, "apps", "container-runtime");
const hash = createHash("sha256");

function add(label, content) {
  hash.update(`${label}\0`);
  hash.update(content);
  hash.update("\0");
}

function addFile(path) {
  if (existsSync(path)) add(relative(root, path), readFileSync(path));
}

function addTree(dir) {
  if (!existsSync(dir)) return;
  for (const entry of readdirSync(dir).sort()) {
    const path = join(dir, entry);
    if (entry === "node_modules") continue;
    if (statSync(path).isDirectory()) addTree(path);
    else addFile(path);
  }
}

add("base-image", process.argv[2] ?? "");
addFile(join(runtimeDir, "Dockerfile"));
addFile(join(root, "docker", "build-runtime-image.sh"));
addFile(join(runtimeDir, "package.json"));
addTree(join(runtimeDir, "dist"));

// Production dependencies as pnpm resolved them: registry packages by name@version,
// workspace packages by their built files.
const pnpm = process.env.PNPM ?? "pnpm";
const listing = JSON.parse(
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
const seen = new Set();
function walk(dependencies) {
  for (const [name, dep] of Object.entries(dependencies ?? {}).sort(([a], [b]) => a.localeCompare(b))) {
    const inWorkspace = typeof dep.path === "string" && !dep.path.split(sep).includes("node_modules");
    const key = inWorkspace ? `${name}@workspace` : `${name}@${dep.version}`;
    if (seen.has(key)) continue;
    seen.add(key);
    add("dependency", key);
    if (inWorkspace) {
      addFile(join(dep.path, "package.json"));
      addTree(join(dep.path, "dist"));
    }
    walk(dep.dependencies);
  }
}
walk(listing[0]?.dependencies);

// The skills the image installs for the agent: every folder of skills/ holding a SKILL.md.
const skillsDir = join(root, "skills");
for (const entry of readdirSync(skillsDir).sort()) {
  if (existsSync(join(skillsDir, entry, "SKILL.md"))) addTree(join(skillsDir, entry));
}

console.log(hash.digest("hex").slice(0, 24));
