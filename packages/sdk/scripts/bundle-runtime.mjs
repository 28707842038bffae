#!/usr/bin/env node
// Ships the container runtime inside the SDK: bundles the built runtime (the workspace's
// @app-building/container-runtime dist/) into one file, dist/runtime/main.js, so that the
// process driver of an installed SDK can start it, and start it fast (one module to load
// instead of hundreds). The native and binary packages stay external and resolve from the
// SDK's own dependencies, which is why the build fails when the runtime's dependencies and
// the SDK's drift apart.
import { existsSync, readFileSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "rolldown";

const sdkRoot = join(dirname(fileURLToPath(import.meta.url)), "..");
const runtimeRoot = join(sdkRoot, "..", "..", "apps", "container-runtime");
const entry = join(runtimeRoot, "dist", "main.js");
const out = join(sdkRoot, "dist", "runtime");

if (!existsSync(entry)) {
  console.error(`bundle-runtime: ${entry} is missing: build @app-building/container-runtime first (turbo does it)`);
  process.exit(1);
}

const sdkDeps = JSON.parse(readFileSync(join(sdkRoot, "package.json"), "utf8")).dependencies ?? {};
const runtimeDeps = JSON.parse(readFileSync(join(runtimeRoot, "package.json"), "utf8")).dependencies ?? {};
const drift = Object.entries(runtimeDeps).filter(([name, range]) => sdkDeps[name] !== range);
if (drift.length > 0) {
  console.error(
    `bundle-runtime: the SDK must depend on what the runtime it ships depends on; fix packages/sdk/package.json: ${drift
      .map(([name, range]) => `${name}@${range} (sdk has ${sdkDeps[name] ?? "nothing"})`)
      .join(", ")}`,
  );
  process.exit(1);
}

rmSync(out, { recursive: true, force: true });
await build({
  input: entry,
  platform: "node",
  // A native addon and a native CLI binary cannot be bundled: they resolve from node_modules.
  external: [/^node:/, "better-sqlite3", "@anthropic-ai/claude-code"],
  output: { file: join(out, "main.js"), format: "esm" },
  logLevel: "warn",
});
console.log(`bundle-runtime: ${entry} -> ${join(out, "main.js")}`);
