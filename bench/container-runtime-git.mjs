#!/usr/bin/env node
// Commit and push per message: the runtime's git sequence (the built GitWorkspace, exactly what
// the runtime runs after a message whose agent changed a file) against the seed runtime's
// sequence replayed as plain git commands (add, status, commit, fetch, merge, push, rev-parse:
// 7 commands, 2 round trips to the remote), side by side in one run, each on its own clone of
// its own bare repository. Remote round trips are counted, not inferred from timings: a second
// pass runs both sequences with a recording `git` first on PATH.
// Target: ratio (runtime / seed) <= 1.0, and 1 remote round trip per fast-forward message.
// Run after `pnpm build`:  node bench/container-runtime-git.mjs
import { execFileSync } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { GitWorkspace } from "../apps/container-runtime/dist/git/workspace.js";
import { seedBareRepo } from "../packages/testkit/dist/index.js";
import { median } from "./stats.mjs";

const MESSAGES = Number(process.env.MESSAGES ?? 40);
const COUNTED = Number(process.env.COUNTED ?? 5);
const BRANCH = "agent/bench";
const REMOTE_COMMANDS = new Set(["push", "fetch", "pull", "ls-remote", "clone"]);

const root = mkdtempSync(join(tmpdir(), "bench-git-"));

/**
 * Runs git in `cwd` with the author the runtime uses; returns stdout.
 *
 * @param {string} cwd
 * @param {string[]} args
 */
function git(cwd, ...args) {
  return execFileSync("git", ["-c", "user.name=Agent", "-c", "user.email=agent@example.invalid", ...args], {
    cwd,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
  });
}

/**
 * A bare repository seeded with one commit, and a clone of it on the push branch.
 *
 * @param {string} name
 */
function checkout(name) {
  const bare = seedBareRepo(mkdtempSync(join(root, `${name}-remote-`)));
  const dir = join(root, `${name}-ws`);
  git(root, "clone", "-q", bare, dir);
  git(dir, "checkout", "-q", "-b", BRANCH);
  return { bare, dir };
}

const ours = checkout("runtime");
const workspace = new GitWorkspace({
  dir: ours.dir,
  repoUrl: ours.bare,
  cloneBranch: undefined,
  pushBranch: BRANCH,
  authorName: "Agent",
  authorEmail: "agent@example.invalid",
  token: undefined,
  pushAttempts: 3,
  retryBaseMs: 500,
  log: () => {},
});
await workspace.prepare();

/** @param {string} message */
async function runtimeSequence(message) {
  await workspace.commitAll(message);
  const outcome = await workspace.push();
  if (!outcome.pushed) throw new Error(`the runtime's push failed: ${outcome.error ?? ""}`);
}

const seed = checkout("seed");
/** @param {string} message */
function seedSequence(message) {
  git(seed.dir, "add", "-A");
  if (git(seed.dir, "status", "--porcelain").trim() === "") return;
  git(seed.dir, "commit", "-q", "-m", message);
  git(seed.dir, "fetch", "-q", "origin", BRANCH);
  git(seed.dir, "merge", "-q", "--no-edit", "FETCH_HEAD");
  git(seed.dir, "push", "-q", "origin", `HEAD:refs/heads/${BRANCH}`);
  git(seed.dir, "rev-parse", "HEAD");
}
// The seed fetched an existing branch; create it on its remote first, as the runtime's first push does.
git(seed.dir, "push", "-q", "origin", `HEAD:refs/heads/${BRANCH}`);
await runtimeSequence("first push creates the branch");

let n = 0;
/**
 * One message for each side, in alternating order: the agent wrote a file, then the timed
 * commit and push. Returns both times in ms.
 */
async function oneMessageEach() {
  n++;
  writeFileSync(join(ours.dir, `file-${n}.txt`), `message ${n}\n`);
  writeFileSync(join(seed.dir, `file-${n}.txt`), `message ${n}\n`);
  const time = async (/** @type {() => unknown} */ run) => {
    const t0 = performance.now();
    await run();
    return performance.now() - t0;
  };
  const runtime = () => runtimeSequence(`message ${n}`);
  const replay = () => seedSequence(`message ${n}`);
  if (n % 2 === 0) {
    const r = await time(runtime);
    return { runtime: r, seed: await time(replay) };
  }
  const s = await time(replay);
  return { runtime: await time(runtime), seed: s };
}

try {
  for (let i = 0; i < 3; i++) await oneMessageEach(); // warm up the page cache and git's own files
  const runtimeMs = [];
  const seedMs = [];
  for (let i = 0; i < MESSAGES; i++) {
    const times = await oneMessageEach();
    runtimeMs.push(times.runtime);
    seedMs.push(times.seed);
  }

  // The counting pass: a `git` first on PATH that records each subcommand, then runs the real git.
  const realGit = execFileSync("sh", ["-c", "command -v git"], { encoding: "utf8" }).trim();
  const shimDir = mkdtempSync(join(root, "shim-"));
  const log = join(shimDir, "commands.log");
  writeFileSync(
    join(shimDir, "git"),
    `#!/bin/sh\nsub=""\nskip=0\nfor arg in "$@"; do\n  if [ "$skip" = 1 ]; then skip=0; continue; fi\n  case "$arg" in\n    -c|-C) skip=1 ;;\n    -*) ;;\n    *) sub="$arg"; break ;;\n  esac\ndone\nprintf '%s\\n' "$sub" >> '${log}'\nexec '${realGit}' "$@"\n`,
  );
  chmodSync(join(shimDir, "git"), 0o755);
  const recorded = () => (existsSync(log) ? readFileSync(log, "utf8").split("\n").filter(Boolean) : []);
  const plainPath = process.env.PATH;
  process.env.PATH = `${shimDir}:${plainPath ?? "/usr/bin:/bin"}`;
  /** @param {() => unknown} run */
  const count = async (run) => {
    const before = recorded().length;
    await run();
    const commands = recorded().slice(before);
    return { commands: commands.length, remote: commands.filter((c) => REMOTE_COMMANDS.has(c)).length };
  };
  /** @type {{ commands: number, remote: number }[]} */
  const runtimeCounts = [];
  /** @type {{ commands: number, remote: number }[]} */
  const seedCounts = [];
  for (let i = 0; i < COUNTED; i++) {
    n++;
    writeFileSync(join(ours.dir, `file-${n}.txt`), `message ${n}\n`);
    writeFileSync(join(seed.dir, `file-${n}.txt`), `message ${n}\n`);
    runtimeCounts.push(await count(() => runtimeSequence(`message ${n}`)));
    seedCounts.push(await count(() => seedSequence(`message ${n}`)));
  }
  process.env.PATH = plainPath;
  if (git(ours.bare, "rev-parse", BRANCH) !== git(ours.dir, "rev-parse", "HEAD")) {
    throw new Error("the runtime's remote branch is not at its workspace's HEAD");
  }

  const runtimeMedian = median(runtimeMs);
  const seedMedian = median(seedMs);
  const ratio = runtimeMedian / seedMedian;
  const perMessage = (/** @type {{ commands: number, remote: number }[]} */ counts) => ({
    gitCommands: median(counts.map((c) => c.commands)),
    remoteRoundTrips: median(counts.map((c) => c.remote)),
  });
  const runtimeCount = perMessage(runtimeCounts);
  console.log(
    JSON.stringify({
      benchmark: "container-runtime-git",
      messages: MESSAGES,
      runtime: { medianMs: Number(runtimeMedian.toFixed(2)), ...runtimeCount },
      seed: { medianMs: Number(seedMedian.toFixed(2)), ...perMessage(seedCounts) },
      ratio: Number(ratio.toFixed(2)),
      targetRatio: 1.0,
      targetRemoteRoundTrips: 1,
      met: ratio <= 1.0 && runtimeCount.remoteRoundTrips <= 1,
    }),
  );
} finally {
  rmSync(root, { recursive: true, force: true });
}
