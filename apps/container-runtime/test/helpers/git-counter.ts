import { execFileSync } from "node:child_process";
import { chmodSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { tempDir } from "./runtime-process.js";

/** The git subcommands that talk to a remote: each one is a round trip. */
const REMOTE_COMMANDS = new Set(["push", "fetch", "pull", "ls-remote", "clone"]);

/** A `git` placed first on a process's PATH that records each subcommand it runs, then runs the real git. */
export interface GitCounter {
  /** The PATH to give the process: the recording `git` first, then the test's own PATH. */
  path: string;
  /** Every subcommand run so far, in order (`add`, `commit`, `push`, ...). */
  commands: () => string[];
  /** Only the subcommands that reached the remote, in order. */
  remoteCommands: () => string[];
}

/** Writes the recording `git` into a temp folder; it skips `-c`/`-C` pairs to find the subcommand. */
export function gitCounter(): GitCounter {
  const realGit = execFileSync("sh", ["-c", "command -v git"], { encoding: "utf8" }).trim();
  const dir = tempDir("git-counter");
  const log = join(dir, "commands.log");
  writeFileSync(
    join(dir, "git"),
    `#!/bin/sh
sub=""
skip=0
for arg in "$@"; do
  if [ "$skip" = 1 ]; then skip=0; continue; fi
  case "$arg" in
    -c|-C) skip=1 ;;
    -*) ;;
    *) sub="$arg"; break ;;
  esac
done
printf '%s\\n' "$sub" >> '${log}'
exec '${realGit}' "$@"
`,
  );
  chmodSync(join(dir, "git"), 0o755);
  const commands = () => (existsSync(log) ? readFileSync(log, "utf8").split("\n").filter(Boolean) : []);
  return {
    path: `${dir}:${process.env.PATH ?? "/usr/bin:/bin"}`,
    commands,
    remoteCommands: () => commands().filter((command) => REMOTE_COMMANDS.has(command)),
  };
}
