#!/usr/bin/env node
// Ships the container runtime inside the SDK: bundles the built runtime (the workspace's
// @app-building/container-runtime dist/) into one file, dist/runtime/main.js, so that the
// process driver of an installed SDK can start it, and start it fast (one module to load
// instead of hundreds). Everything the runtime imports is inlined, except what cannot be:
// better-sqlite3's native addon (an SDK dependency) and the Claude Code CLI, an optional peer
// the runtime finds when the user has it installed (else `claude` on PATH).
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

// An external the SDK does not declare would fail only on a user's machine: refuse it here.
const external = ["better-sqlite3", "@anthropic-ai/claude-code"];
/** @typedef {{ dependencies?: Record<string, string>, peerDependencies?: Record<string, string> }} Manifest */
/** @type {unknown} */
const parsed = JSON.parse(readFileSync(join(sdkRoot, "package.json"), "utf8"));
const manifest = /** @type {Manifest} */ (parsed);
const declared = { ...manifest.dependencies, ...manifest.peerDependencies };
const undeclared = external.filter((name) => declared[name] === undefined);
if (undeclared.length > 0) {
  console.error(
    `bundle-runtime: declare ${undeclared.join(", ")} in packages/sdk/package.json: the bundle loads them at run time`,
  );
  process.exit(1);
}

rmSync(out, { recursive: true, force: true });
await build({
  input: entry,
  platform: "node",
  // A native addon and a native CLI binary cannot be bundled: they resolve from node_modules.
  external: [/^node:/, ...external],
  output: { file: join(out, "main.js"), format: "esm" },
  logLevel: "warn",
});
console.log(`bundle-runtime: ${entry} -> ${join(out, "main.js")}`);
