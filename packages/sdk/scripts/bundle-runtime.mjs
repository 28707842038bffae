#!/usr/bin/env node
// Ships the container runtime inside the SDK: copies the built runtime (the workspace's
// @app-building/container-runtime dist/) into dist/runtime/, so that the process driver of
// an installed SDK can start it. Fails when the runtime's dependencies and the SDK's drift
// apart, because the copy resolves its imports from the SDK's own dependencies.
import { cpSync, existsSync, readFileSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const sdkRoot = join(dirname(fileURLToPath(import.meta.url)), "..");
const runtimeRoot = join(sdkRoot, "..", "..", "apps", "container-runtime");
const from = join(runtimeRoot, "dist");
const to = join(sdkRoot, "dist", "runtime");

if (!existsSync(join(from, "main.js"))) {
  console.error(
    `copy-runtime: ${from}/main.js is missing: build @app-building/container-runtime first (turbo does it)`,
  );
  process.exit(1);
}

const sdkDeps = JSON.parse(readFileSync(join(sdkRoot, "package.json"), "utf8")).dependencies ?? {};
const runtimeDeps = JSON.parse(readFileSync(join(runtimeRoot, "package.json"), "utf8")).dependencies ?? {};
const drift = Object.entries(runtimeDeps).filter(([name, range]) => sdkDeps[name] !== range);
if (drift.length > 0) {
  console.error(
    `copy-runtime: the SDK must depend on what the runtime it ships depends on; fix packages/sdk/package.json: ${drift
      .map(([name, range]) => `${name}@${range} (sdk has ${sdkDeps[name] ?? "nothing"})`)
      .join(", ")}`,
  );
  process.exit(1);
}

rmSync(to, { recursive: true, force: true });
cpSync(from, to, {
  recursive: true,
  filter: (source) =>
    !/\.test\.(js|d\.ts)(\.map)?$/.test(source) && !source.endsWith(".map") && !source.endsWith(".d.ts"),
});
console.log(`copy-runtime: ${from} -> ${to}`);
