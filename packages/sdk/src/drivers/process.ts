import { existsSync, watch, type FSWatcher } from "node:fs";
import { mkdir, open, rm, type FileHandle } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { isAlive, readCommandLine, spawnGroup, terminate } from "@app-building/types/process";
import { ConfigurationError, ContainerStartError, SDK_ERROR_CODES, TimeoutError } from "../errors.js";
import type { AgentState, ContainerConfig, RepoOptions } from "../state.js";
import { readyTimeoutFor, type Driver, type StartOptions } from "./driver.js";
import { newContainerName, newContainerToken } from "./names.js";
import { fileTail } from "./output-tail.js";
import { hostEnvironment, runtimeEnv } from "./runtime-env.js";
import { findReadyLine } from "./ready-line.js";
import { existingWorkspace } from "./workspace-dir.js";
import { containersDir, ensurePrivateDir } from "../paths/state-dir.js";

/**
 * Where the container runtime's entry point is: the copy shipped in this package's
 * `dist/runtime/`, else the workspace's `@app-building/container-runtime` build.
 *
 * @example
 * ```ts
 * import { resolveRuntimeEntry } from "@app-building/sdk";
 * console.log(resolveRuntimeEntry()); // .../node_modules/@app-building/sdk/dist/runtime/main.js
 * ```
 */
export function resolveRuntimeEntry(): string {
  const shipped = fileURLToPath(new URL("../runtime/main.js", import.meta.url));
  if (existsSync(shipped)) return shipped;
  try {
    const pkg = createRequire(import.meta.url).resolve("@app-building/container-runtime/package.json");
    const built = join(dirname(pkg), "dist", "main.js");
    if (existsSync(built)) return built;
  } catch {
    // not in the workspace
  }
  throw new ConfigurationError(
    "The container runtime is missing: this install of @app-building/sdk has no dist/runtime/main.js. Reinstall the package (or build the workspace with `pnpm build`).",
    SDK_ERROR_CODES.runtimeMissing,
  );
}

/** Modes of what the process driver creates: private to the user. */
const PRIVATE_FOLDER = 0o700;
const PRIVATE_FILE = 0o600;

/** How long SIGTERM gives a runtime being removed (it commits, pushes and exits) before SIGKILL. */
const STOP_GRACE_MS = 5_000;
/** How long SIGTERM gives a runtime that failed to start before SIGKILL. */
const FAILED_START_GRACE_MS = 1_000;

/** Where the process driver keeps one container's data, workspace and output: `<stateDir>/containers/<name>`. */
function processContainerDir(config: ContainerConfig, containerName: string): string {
  return join(containersDir(config.stateDir), containerName);
}

/** True when `pid` is still a Node process running a runtime entry point (pids get reused). */
export function isRuntimeProcess(pid: number): boolean {
  if (!isAlive(pid)) return false;
  // No /proc (macOS): trust the pid.
  return readCommandLine(pid)?.some((arg) => arg.includes("main.js")) ?? true;
}

/**
 * The `process` driver: the runtime as a detached local child process (its own process
 * group, its output in files, its own data directory, and a fresh workspace directory
 * unless `config.workspaceDir` names an existing one), bound to
 * 127.0.0.1 on a port the system picks. Readiness comes from the runtime's ready line,
 * read with a backoff of a few milliseconds; a runtime that exits while starting fails
 * the start at once with its last output.
 *
 * @example
 * ```ts
 * import { FileContainerRegistry, processDriver } from "@app-building/sdk";
 * const config = { registry: new FileContainerRegistry(), envVars: { ANTHROPIC_API_KEY: process.env.ANTHROPIC_API_KEY ?? "" } };
 * const repo = { repoUrl: "https://github.com/acme/app.git", cloneBranch: "main", pushBranch: "agent/work" };
 * const state = await processDriver.start(config, repo, {});
 * ```
 */
export const processDriver: Driver = {
  async start(config: ContainerConfig, requested: RepoOptions, options: StartOptions): Promise<AgentState> {
    const entry = resolveRuntimeEntry();
    const timeoutMs = readyTimeoutFor(config, options);
    const existing = await existingWorkspace(config, requested, "process", ["process", "docker"]);
    const repo = existing?.repo ?? requested;
    const containerName = newContainerName(config.namePrefix);
    const token = newContainerToken();
    const dir = processContainerDir(config, containerName);
    const dataDir = join(dir, "data");
    const workspaceDir = existing?.dir ?? join(dir, "workspace");
    const stdoutPath = join(dir, "runtime.out");
    const stderrPath = join(dir, "runtime.err");
    // A start that fails removes the container folder it made (an existing workspaceDir is not in it).
    const removeDir = () => rm(dir, { recursive: true, force: true });
    let out: FileHandle;
    let err: FileHandle;
    try {
      // Private to the user whatever the umask: the journal and the output may hold what the agent saw.
      ensurePrivateDir(dirname(dir));
      await mkdir(dataDir, { recursive: true, mode: PRIVATE_FOLDER });
      if (existing === null) await mkdir(workspaceDir, { recursive: true, mode: PRIVATE_FOLDER });
      out = await open(stdoutPath, "a", PRIVATE_FILE);
      err = await open(stderrPath, "a", PRIVATE_FILE);
    } catch (error) {
      await removeDir();
      throw error;
    }
    options.onProgress?.("starting the runtime process");
    const env = {
      ...hostEnvironment(),
      ...runtimeEnv({ config, repo, containerName, token }),
      PORT: String(config.localPort ?? 0),
      HOST: "127.0.0.1",
      DATA_DIR: dataDir,
      WORKSPACE_DIR: workspaceDir,
      // Never committed, even when the state folder lies inside the workspace.
      STATE_DIR: dirname(dirname(dir)),
    };
    // The leader of a process group of its own, so removing it stops everything it started.
    const child = spawnGroup(process.execPath, [entry], { cwd: dir, env, stdio: ["ignore", out.fd, err.fd] });
    await out.close();
    await err.close();
    let exited: { code: number | null; signal: NodeJS.Signals | null } | null = null;
    child.on("exit", (code, signal) => {
      exited = { code, signal };
    });
    const spawnError = new Promise<Error>((resolve) => child.once("error", resolve));
    let failedToSpawn: Error | null = null;
    void spawnError.then((error) => {
      failedToSpawn = error;
    });
    child.unref();

    const fail = async (message: string, cause?: unknown): Promise<never> => {
      if (child.pid !== undefined) await terminate({ group: child.pid }, { graceMs: FAILED_START_GRACE_MS });
      const output = `${await fileTail(stdoutPath, 2048)}${await fileTail(stderrPath, 4096)}`.trim();
      const ended = exited;
      throw new ContainerStartError(output === "" ? message : `${message}\n${output}`, {
        output,
        exitCode: ended?.code ?? null,
        signal: ended?.signal ?? null,
        cause,
      });
    };

    // The ready line lands in a file (a pipe would outlive us badly: the runtime must survive
    // this process). inotify wakes the wait as soon as the file changes; polling backs it up.
    let wake: () => void = () => undefined;
    const watcher = watchFile(stdoutPath, () => wake());
    options.onProgress?.("waiting for the runtime", { timeoutMs, elapsedMs: 0 });
    const deadline = Date.now() + timeoutMs;
    let delay = 2;
    let readBytes = 0;
    let pending = "";
    try {
      return await waitForReady();
    } catch (error) {
      await removeDir();
      throw error;
    } finally {
      watcher?.close();
    }
    async function waitForReady(): Promise<AgentState> {
      for (;;) {
        if (failedToSpawn !== null) return fail(`Could not start the runtime (${entry})`, failedToSpawn);
        const chunk = await readFrom(stdoutPath, readBytes);
        readBytes += chunk.length;
        pending += chunk.toString("utf8");
        const ready = findReadyLine(pending);
        if (ready?.ready === true && typeof ready.port === "number") {
          options.onProgress?.("ready");
          return {
            type: "local",
            driver: "process",
            containerName,
            baseUrl: `http://127.0.0.1:${ready.port}`,
            port: ready.port,
            token,
            startedAt: new Date().toISOString(),
            pushBranch: repo.pushBranch === "" ? undefined : repo.pushBranch,
            pid: child.pid,
            dataDir,
            workspaceDir,
          };
        }
        if (exited !== null) {
          const { code, signal } = exited;
          return fail(`The runtime exited while starting (${signal ?? `exit code ${code}`})`);
        }
        if (options.signal?.aborted === true) return fail("Starting the container was cancelled");
        if (Date.now() >= deadline) {
          return fail(
            `The runtime was not ready after ${timeoutMs} ms: give it longer with readyTimeoutMs (the CLI's --ready-timeout SECONDS)`,
            new TimeoutError("readiness timed out"),
          );
        }
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, delay);
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        delay = Math.min(delay * 2, 25);
      }
    }
  },

  async remove(_config: ContainerConfig, state: AgentState): Promise<void> {
    if (state.pid !== undefined && isRuntimeProcess(state.pid)) {
      await terminate({ group: state.pid }, { graceMs: STOP_GRACE_MS });
    }
  },
};

function watchFile(path: string, onChange: () => void): FSWatcher | null {
  try {
    const watcher = watch(path, onChange);
    watcher.on("error", () => undefined);
    return watcher;
  } catch {
    return null;
  }
}

async function readFrom(path: string, offset: number): Promise<Buffer> {
  const handle = await open(path, "r");
  try {
    const { size } = await handle.stat();
    if (size <= offset) return Buffer.alloc(0);
    const buffer = Buffer.alloc(size - offset);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, offset);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}
