#!/usr/bin/env node
import { createRequire } from "node:module";
import { Command, CommanderError, Option } from "commander";
import { AppBuildingError } from "../errors.js";
import type { RunFlags } from "./commands/run.js";
import { readCliEnvironment } from "./context.js";
import { EXIT_CODES } from "../exit-codes.js";
import { exitCodeFor } from "./exit-codes.js";

const version = (createRequire(import.meta.url)("../../package.json") as { version: string }).version;
const cli = readCliEnvironment();

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** Runs one command: commands load lazily, so `app-building ls` never loads the interactive session. */
function action<A extends unknown[]>(load: (...args: A) => Promise<number>) {
  return async (...args: A) => {
    process.exitCode = await load(...args);
  };
}

const program = new Command("app-building")
  .description("Start, drive and track agent containers: local processes, Docker, or Fly.io Machines.")
  .version(version)
  .exitOverride()
  .showHelpAfterError("(app-building --help lists the commands)");

program
  .command("run")
  .description("start a container; -p queues a prompt and detaches, -i opens an interactive session")
  .option("-p, --prompt <prompt>", "the prompt to send")
  .option("-i, --interactive", "interactive: ESC interrupts, Ctrl+C/Ctrl+D (or Ctrl+]) detaches")
  .addOption(
    new Option(
      "--driver <driver>",
      "where to run it (default: fly with FLY_API_TOKEN and FLY_APP_NAME; docker with --network or when the image is present locally; else process)",
    ).choices(["process", "docker", "fly"]),
  )
  .option("--repo <url>", "repository to clone (default: an empty repository)")
  .option("--branch <branch>", "branch to clone")
  .option("--push-branch <branch>", "branch to push the work to")
  .addOption(new Option("--agent <agent>", "agent CLI").choices(["claude", "codex", "command"]))
  .option("--model <model>", "model for the agent")
  .option("--env <NAME=VALUE>", "environment for the runtime (repeatable)", collect)
  .addOption(new Option("--network <mode>", "docker networking").choices(["loopback", "host"]))
  .option(
    "--workspace <dir>",
    "work in this existing directory instead of a fresh one (process and docker drivers); a checkout keeps its branch",
  )
  .option("--ready-timeout <seconds>", "how long the container may take to get ready (default 120)")
  .option("--json", "print the started container as JSON")
  .action(action(async (flags: RunFlags) => (await import("./commands/run.js")).run(cli, flags)));

program
  .command("attach <name>")
  .description(
    "interactive session on a running container: Enter sends, ESC interrupts, Ctrl+C/Ctrl+D leaves it running, Ctrl+] detaches it",
  )
  .action(action(async (name: string) => (await import("./commands/attach.js")).attach(cli, name)));

program
  .command("send <name> <prompt...>")
  .description("queue a prompt on a running container; --wait prints the agent's answer")
  .option("-w, --wait", "wait for the answer and print it (exit 1 if the message failed)")
  .option("--timeout <seconds>", "with --wait: give up after this long")
  .option("--json", "print JSON")
  .action(
    action(async (name: string, prompt: string[], flags: { wait?: boolean; json?: boolean; timeout?: string }) =>
      (await import("./commands/send.js")).send(cli, name, prompt, flags),
    ),
  );

program
  .command("status [name]")
  .description("status of a container (or of every running one)")
  .option("--tail", "also show its last events")
  .option("--json", "print JSON")
  .action(
    action(async (name: string | undefined, flags: { tail?: boolean; json?: boolean }) =>
      (await import("./commands/status.js")).status(cli, name, flags),
    ),
  );

for (const what of ["logs", "events"] as const) {
  program
    .command(`${what} <name>`)
    .description(`print a container's ${what}`)
    .option("-f, --follow", "keep printing new ones as they arrive")
    .option("--offset <n>", "start at this offset", "0")
    .option("--json", "one JSON object per line")
    .action(
      action(async (name: string, flags: { follow?: boolean; json?: boolean; offset?: string }) =>
        (await import("./commands/stream.js")).stream(cli, what, name, flags),
      ),
    );
}

program
  .command("stop <name>")
  .description("stop a container (interrupt, commit, push), wait, and print the pushed revision")
  .option("--timeout <seconds>", "how long to wait before removing it anyway", "120")
  .option("--json", "print JSON")
  .action(
    action(async (name: string, flags: { json?: boolean; timeout?: string }) =>
      (await import("./commands/stop.js")).stop(cli, name, flags),
    ),
  );

program
  .command("ls")
  .description("list running containers (probed); --all lists every recorded one")
  .option("--all", "include stopped containers")
  .option("--json", "print JSON")
  .action(
    action(async (flags: { all?: boolean; json?: boolean }) => (await import("./commands/ls.js")).ls(cli, flags)),
  );

program
  .command("prune")
  .description("remove what stopped containers left (folders, exited Docker containers, registry entries)")
  .option("--dry-run", "print what would be removed, remove nothing")
  .option("--include-unpushed", "also remove containers whose last push failed (their commits are lost)")
  .option("--json", "print JSON")
  .action(
    action(async (flags: { dryRun?: boolean; includeUnpushed?: boolean; json?: boolean }) =>
      (await import("./commands/prune.js")).prune(cli, flags),
    ),
  );

const machines = program.command("fly").description("Fly.io helpers (FLY_API_TOKEN, FLY_APP_NAME)").command("machines");
machines
  .command("list")
  .description("list the app's machines")
  .option("--json", "print JSON")
  .action(action(async (flags: { json?: boolean }) => (await import("./commands/fly.js")).flyMachinesList(cli, flags)));
machines
  .command("destroy-all")
  .description("destroy every machine the SDK started in the app")
  .option("--yes", "really do it")
  .option("--json", "print JSON")
  .action(
    action(async (flags: { yes?: boolean; json?: boolean }) =>
      (await import("./commands/fly.js")).flyMachinesDestroyAll(cli, flags),
    ),
  );

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    process.exitCode = error.exitCode === 0 ? EXIT_CODES.ok : EXIT_CODES.usage;
  } else {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`app-building: ${message}\n`);
    if (
      error instanceof AppBuildingError &&
      "output" in error &&
      typeof error.output === "string" &&
      error.output !== ""
    ) {
      if (!message.includes(error.output)) process.stderr.write(`${error.output}\n`);
    }
    process.exitCode = exitCodeFor(error);
  }
}
