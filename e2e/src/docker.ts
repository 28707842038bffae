import { capture, run } from "./exec.js";

/** Runs the docker client with `args` and answers its trimmed stdout. */
export async function docker(args: string[], timeoutMs = 0): Promise<string> {
  return (await run("docker", args, { timeoutMs })).trim();
}

/** Throws, saying how to get one, when no Docker Engine answers. */
export async function requireDockerEngine(): Promise<void> {
  try {
    await docker(["info", "--format", "{{.ServerVersion}}"], 30_000);
  } catch (error) {
    throw new Error(
      "no Docker Engine answers (docker info failed): run 'bash scripts/ensure/20-docker.sh test' as root, or start Docker",
      { cause: error },
    );
  }
}

/** A container's state, or null when there is no such container. */
export async function containerState(name: string): Promise<{ running: boolean; exitCode: number } | null> {
  try {
    const [running, exitCode] = (
      await docker(["inspect", "--format", "{{.State.Running}} {{.State.ExitCode}}", name])
    ).split(" ");
    return { running: running === "true", exitCode: Number(exitCode) };
  } catch {
    return null;
  }
}

/** The last lines a container wrote (its stdout, then its stderr), or why they are unavailable. */
export async function containerLogs(name: string, tail = 200): Promise<string> {
  const result = await capture("docker", ["logs", "--tail", String(tail), name]);
  return [result.stdout, result.stderr].filter((part) => part.trim() !== "").join("\n");
}
