import { existsSync } from "node:fs";
import { execa } from "execa";
import { ConfigurationError, ContainerStartError, SDK_ERROR_CODES } from "../errors.js";
import { getImageRef } from "../image.js";
import type { AgentState, ContainerConfig, RepoOptions } from "../state.js";
import { buildScriptFor } from "./build-image.js";
import { readyTimeoutFor, type Driver, type StartOptions } from "./driver.js";
import { CONTAINER_LABEL, docker, dockerEngineAnswers, imageExists } from "./docker-cli.js";
import { newContainerName, newContainerToken } from "./names.js";
import { runtimeEnv } from "./runtime-env.js";
import { findReadyLine, type ReadyLine } from "./ready-line.js";
import { existingWorkspace } from "./workspace-dir.js";
import { copyDockerJournal } from "./docker-journal.js";

/** The port the runtime listens on inside a bridged container. */
const INTERNAL_PORT = 3000;
/** Where the runtime works inside the container; `config.workspaceDir` is mounted here. */
const CONTAINER_WORKSPACE = "/workspace";

async function ensureImage(
  config: ContainerConfig,
  image: string,
  present: boolean,
  options: StartOptions,
): Promise<void> {
  const build = config.docker?.build ?? "missing";
  if (build === "never" && !present) {
    throw new ConfigurationError(
      `The image ${image} is not in the local Docker Engine and building is off.`,
      SDK_ERROR_CODES.imageMissing,
    );
  }
  if (build === "never" || (build === "missing" && present)) return;
  const script = buildScriptFor(config);
  if (script === undefined || !existsSync(script)) {
    throw new ConfigurationError(
      `The image ${image} is not in the local Docker Engine and there is no build script to make it` +
        (script === undefined ? "" : ` (${script} is missing)`) +
        ": build it first, set docker.buildScript, or use the process driver.",
      SDK_ERROR_CODES.imageMissing,
    );
  }
  options.onProgress?.(`building the image ${image}`);
  const result = await execa("bash", [script, image], {
    reject: false,
    all: true,
    env: { IMAGE_REF: image },
    timeout: 30 * 60_000,
  });
  if (result.exitCode !== 0) {
    throw new ContainerStartError(`Building the image ${image} with ${script} failed (exit code ${result.exitCode})`, {
      output: String(result.all ?? "").slice(-4096),
      exitCode: result.exitCode ?? null,
    });
  }
}

/** Follows `docker logs -f` until the runtime prints its ready line, or the container ends. */
async function waitForReadyLine(name: string, timeoutMs: number): Promise<ReadyLine> {
  const follower = execa("docker", ["logs", "-f", name], { reject: false, all: true, buffer: false });
  let seen = "";
  const found = new Promise<ReadyLine>((resolve, reject) => {
    const timer = setTimeout(
      () =>
        reject(
          new Error(
            `not ready after ${timeoutMs} ms (give it longer with readyTimeoutMs, the CLI's --ready-timeout SECONDS)`,
          ),
        ),
      timeoutMs,
    );
    follower.all?.on("data", (chunk: Buffer) => {
      seen += chunk.toString("utf8");
      const ready = findReadyLine(seen);
      if (ready !== null) {
        clearTimeout(timer);
        resolve(ready);
      }
    });
    void follower.then(() => {
      clearTimeout(timer);
      reject(new Error("the container exited while starting"));
    });
  });
  try {
    return await found;
  } finally {
    follower.kill();
  }
}

async function containerOutput(name: string): Promise<{ output: string; exitCode: number | null }> {
  const logs = await docker(["logs", "--tail", "60", name], { timeout: 15_000 });
  const inspect = await docker(["inspect", "--format", "{{.State.ExitCode}} {{.State.Running}}", name], {
    timeout: 15_000,
  });
  const [code, running] = String(inspect.stdout).trim().split(" ");
  return { output: String(logs.all ?? "").slice(-4096), exitCode: running === "false" ? Number(code) : null };
}

/**
 * The `docker` driver: the runtime image under a local Docker Engine, through the Docker
 * CLI. The image is built only when it is missing (or when `docker.build` is `always`).
 * The API is published on 127.0.0.1 only, or the container shares the host's network
 * (`docker.network: "host"`, for engines without a bridge). Containers carry the label
 * `app-building.container=<name>`. `config.workspaceDir` is bind-mounted at the
 * container's `/workspace`; the runtime there runs as uid 1000, which must be able to
 * write to it.
 *
 * @example
 * ```ts
 * import { FileContainerRegistry, startContainer } from "@app-building/sdk";
 * const config = { registry: new FileContainerRegistry(), envVars: { ANTHROPIC_API_KEY: process.env.ANTHROPIC_API_KEY ?? "" } };
 * const repo = { repoUrl: "https://github.com/acme/app.git", cloneBranch: "main", pushBranch: "agent/work" };
 * const state = await startContainer({ ...config, driver: "docker", docker: { network: "host" } }, repo);
 * ```
 */
export const dockerDriver: Driver = {
  async start(config: ContainerConfig, requested: RepoOptions, options: StartOptions): Promise<AgentState> {
    const existing = await existingWorkspace(config, requested, "docker", ["process", "docker"]);
    if (existing !== null && /[,"\n]/.test(existing.dir)) {
      throw new ConfigurationError(
        `workspaceDir ${existing.dir} cannot be mounted: its path holds a comma, a quote or a newline; move or link it to a plainer path.`,
      );
    }
    const repo = existing?.repo ?? requested;
    const timeoutMs = readyTimeoutFor(config, options);
    const image = config.imageRef ?? getImageRef();
    // The engine check and the image check are independent: run them side by side.
    const [engine, present] = await Promise.all([dockerEngineAnswers(), imageExists(image).catch(() => false)]);
    if (!engine) {
      throw new ConfigurationError(
        'No Docker Engine answers: start Docker (or dockerd), or start the container with driver: "process".',
        SDK_ERROR_CODES.dockerUnavailable,
      );
    }
    await ensureImage(config, image, present, options);
    const containerName = newContainerName(config.namePrefix);
    const token = newContainerToken();
    const host = config.docker?.network === "host";
    const env: Record<string, string> = {
      ...runtimeEnv({ config, repo, containerName, token }),
      ...(host
        ? { PORT: String(config.localPort ?? 0), HOST: "127.0.0.1" }
        : { PORT: String(INTERNAL_PORT), HOST: "0.0.0.0" }),
      ...(existing === null ? {} : { WORKSPACE_DIR: CONTAINER_WORKSPACE }),
    };
    // Values travel in the CLI's environment (`-e NAME`), never on its command line.
    const args = ["run", "-d", "--name", containerName, "--label", `${CONTAINER_LABEL}=${containerName}`];
    args.push(...(host ? ["--network", "host"] : ["-p", `127.0.0.1:${config.localPort ?? ""}:${INTERNAL_PORT}`]));
    if (existing !== null) args.push("--mount", `type=bind,source=${existing.dir},target=${CONTAINER_WORKSPACE}`);
    for (const key of Object.keys(env)) args.push("-e", key);
    args.push(image);
    options.onProgress?.("starting the container");
    const run = await docker(args, { env: { ...process.env, ...env }, timeout: 60_000 });
    if (run.exitCode !== 0) {
      await docker(["rm", "-f", containerName], { timeout: 30_000 });
      throw new ContainerStartError(`docker run failed (exit code ${run.exitCode})`, {
        output: String(run.all ?? "").slice(-4096),
        exitCode: run.exitCode ?? null,
      });
    }
    const containerId = String(run.stdout).trim();
    const fail = async (message: string, cause?: unknown): Promise<never> => {
      const { output, exitCode } = await containerOutput(containerName);
      await docker(["rm", "-f", containerName], { timeout: 30_000 });
      throw new ContainerStartError(output === "" ? message : `${message}\n${output}`, { output, exitCode, cause });
    };
    let ready: ReadyLine;
    options.onProgress?.("waiting for the runtime", { timeoutMs, elapsedMs: 0 });
    try {
      ready = await waitForReadyLine(containerName, timeoutMs);
    } catch (error) {
      return fail(`The container ${containerName} did not get ready: ${(error as Error).message}`, error);
    }
    if (!ready.ready) return fail(`The runtime in ${containerName} failed to start`);
    let port = ready.port;
    if (!host) {
      const mapped = await docker(["port", containerName, `${INTERNAL_PORT}/tcp`], { timeout: 15_000 });
      const match = /127\.0\.0\.1:(\d+)/.exec(String(mapped.stdout));
      if (match === null) return fail(`Docker did not publish port ${INTERNAL_PORT} of ${containerName} on 127.0.0.1`);
      port = Number(match[1]);
    }
    if (port === undefined) return fail(`The runtime in ${containerName} did not say its port`);
    options.onProgress?.("ready");
    return {
      type: "local",
      driver: "docker",
      containerName,
      baseUrl: `http://127.0.0.1:${port}`,
      port,
      token,
      startedAt: new Date().toISOString(),
      pushBranch: repo.pushBranch === "" ? undefined : repo.pushBranch,
      ...(existing === null ? {} : { workspaceDir: existing.dir }),
      dockerContainerId: containerId,
    };
  },

  async remove(config: ContainerConfig, state: AgentState): Promise<void> {
    // Its journal is copied out first, so that the stopped container stays readable (status, logs, events).
    await copyDockerJournal(state, config.stateDir).catch(() => null);
    const result = await docker(["rm", "-f", state.dockerContainerId ?? state.containerName], { timeout: 60_000 });
    if (result.exitCode !== 0 && !/No such container/i.test(String(result.all ?? ""))) {
      throw new ContainerStartError(`docker rm -f ${state.containerName} failed`, {
        output: String(result.all ?? ""),
        exitCode: result.exitCode ?? null,
      });
    }
  },
};
