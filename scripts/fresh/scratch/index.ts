// A user's first program against the published packages, compiled by strict tsc in a scratch
// project where only the packed tarballs are installed: start a process container with a
// command agent, run one prompt, stop it, and check each answer says what really happened.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FileContainerRegistry, createClient, startContainer, stopContainer } from "@app-building/sdk";
import type { ContainerConfig, RepoOptions } from "@app-building/sdk";
import { selfDeployResponseSchema } from "@app-building/types";

function check(condition: boolean, what: string): void {
  if (!condition) throw new Error(`scratch check failed: ${what}`);
}

const work = mkdtempSync(join(tmpdir(), "scratch-sdk-"));
const git = (cwd: string, ...args: string[]): string =>
  execFileSync("git", ["-c", "user.name=scratch", "-c", "user.email=scratch@example.invalid", ...args], {
    cwd,
    encoding: "utf8",
  }).trim();
const remote = join(work, "remote.git");
git(work, "init", "--quiet", "--bare", "--initial-branch=main", remote);
const seed = join(work, "seed");
git(work, "clone", "--quiet", remote, seed);
writeFileSync(join(seed, "README.md"), "# scratch\n");
git(seed, "add", "README.md");
git(seed, "commit", "--quiet", "-m", "first");
git(seed, "push", "--quiet", "origin", "HEAD:main");

const config: ContainerConfig = {
  driver: "process",
  projectRoot: work,
  agent: "command",
  // The agent: writes the prompt into a file, which the runtime commits and pushes.
  envVars: { AGENT_COMMAND: 'printf "%s\\n" "$1" > NOTES.md && echo wrote NOTES.md' },
  registry: new FileContainerRegistry(join(work, "registry.jsonl")),
};
const repo: RepoOptions = { repoUrl: remote, cloneBranch: "main", pushBranch: "agent/notes" };

const state = await startContainer(config, repo);
const client = createClient(state);
const { id } = await client.sendMessage("hello from a scratch project");
const message = await client.waitForMessage(id, { timeoutMs: 60_000 });
check(message.status === "done", `the message finished as done (got ${message.status})`);
const stopped = await stopContainer(config, state);
check(stopped.revision !== null, "stop reported the revision it pushed");
const pushed = git(work, "--git-dir", remote, "show", "agent/notes:NOTES.md");
check(pushed === "hello from a scratch project", `the remote holds the agent's file (got ${JSON.stringify(pushed)})`);
// The types package parses what the platform's core-back answered to a self-deploy.
const answerFile = process.env.DEPLOY_ANSWER;
if (answerFile !== undefined) {
  const parsed = selfDeployResponseSchema.safeParse(JSON.parse(readFileSync(answerFile, "utf8")));
  check(parsed.success && parsed.data.ok, "@app-building/types parses the self-deploy answer, and it says ok");
}
console.log(JSON.stringify({ scratch: "ok", message: message.status, revision: stopped.revision }));
