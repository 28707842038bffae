import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { ConfigurationError, ContainerStartError, SDK_ERROR_CODES } from "../errors.js";
import { getImageRef } from "../image.js";
import { chooseDriver } from "../lifecycle.js";
import { buildImage } from "../drivers/build-image.js";
import { imageExists } from "../drivers/docker-cli.js";
import { hostEnvironment } from "../drivers/runtime-env.js";
import type { ContainerConfig } from "../state.js";

/**
 * Options of {@link spawnTestContainer}.
 *
 * @example
 * ```ts
 * import { FileContainerRegistry, spawnTestContainer, type TestContainerOptions } from "@app-building/sdk";
 * const config = { registry: new FileContainerRegistry(), projectRoot: process.cwd() };
 * const options: TestContainerOptions = { command: ["npm", "test"] };
 * await spawnTestContainer(config, options);
 * ```
 */
export interface TestContainerOptions {
  /** What to run instead of an interactive shell (`bash`, or `$SHELL` for the process driver). */
  command?: string[];
}

/**
 * Opens an interactive shell where an agent of this config would work, on your terminal,
 * and resolves when it exits with 0 (the seed's test container, local drivers only):
 *
 * - `docker`: `docker run -it --rm` of the runtime image, `projectRoot` mounted at
 *   `/workspace` (its working directory), the host's network, your uid and gid.
 * - `process`: a shell in `projectRoot` with the environment a runtime of this config
 *   gets (`envVars`, `env` and what a local process needs).
 *
 * @throws {ConfigurationError} without `projectRoot`, or for the `fly` driver.
 * @throws {ContainerStartError} when the shell exits with another code (`exitCode`).
 *
 * @example
 * ```ts
 * import { FileContainerRegistry, spawnTestContainer } from "@app-building/sdk";
 * const config = { registry: new FileContainerRegistry() };
 * await spawnTestContainer({ ...config, projectRoot: process.cwd() }); // a shell; `exit` to come back
 * ```
 */
export async function spawnTestContainer(config: ContainerConfig, options: TestContainerOptions = {}): Promise<void> {
  const root = config.projectRoot;
  if (root === undefined || root === "") {
    throw new ConfigurationError("spawnTestContainer needs config.projectRoot: the folder to open the shell in.");
  }
  const driver = await chooseDriver(config);
  if (driver === "fly") {
    throw new ConfigurationError(
      'spawnTestContainer is local only: use driver "process" or "docker".',
      SDK_ERROR_CODES.driverUnsupported,
    );
  }
  const userEnv = { ...config.envVars, ...config.env };
  if (driver === "process") {
    const [file, ...args] = options.command ?? [process.env.SHELL ?? "bash"];
    return run(file ?? "bash", args, root, { ...hostEnvironment(), ...userEnv });
  }
  const image = config.imageRef ?? getImageRef();
  if (!(await imageExists(image))) buildImage(config);
  const name = `${config.namePrefix ?? "app-building"}-test-${randomBytes(3).toString("hex")}`;
  const args = ["run", "-it", "--rm", "--name", name, "--network", "host"];
  args.push("--mount", `type=bind,source=${root},target=/workspace`, "-w", "/workspace");
  if (process.getuid !== undefined && process.getgid !== undefined) {
    args.push("--user", `${process.getuid()}:${process.getgid()}`);
  }
  // Values travel in the CLI's environment (`-e NAME`), never on its command line.
  for (const key of Object.keys(userEnv)) args.push("-e", key);
  args.push(image, ...(options.command ?? ["bash"]));
  return run("docker", args, root, { ...process.env, ...userEnv });
}

function run(file: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { cwd, env, stdio: "inherit" });
    child.once("error", (error) =>
      reject(new ContainerStartError(`Could not run ${file}: ${error.message}`, { cause: error })),
    );
    child.once("close", (code, signal) => {
      if (code === 0) resolve();
      else
        reject(
          new ContainerStartError(`The test container exited with ${signal ?? `code ${code}`}`, {
            exitCode: code,
            signal,
          }),
        );
    });
  });
}
