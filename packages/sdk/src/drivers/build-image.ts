import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { ConfigurationError, ContainerStartError, SDK_ERROR_CODES } from "../errors.js";
import { getImageRef } from "../image.js";
import type { ContainerConfig } from "../state.js";

/** The script that builds the runtime image: `docker.buildScript`, else `<projectRoot>/docker/build-runtime-image.sh`. */
export function buildScriptFor(config: ContainerConfig): string | undefined {
  return (
    config.docker?.buildScript ??
    (config.projectRoot !== undefined ? join(config.projectRoot, "docker", "build-runtime-image.sh") : undefined)
  );
}

/**
 * Builds the runtime image for the `docker` driver now, whether or not it is there
 * (`config.imageRef`, else {@link getImageRef}), with the build script
 * (`config.docker.buildScript`, else `<projectRoot>/docker/build-runtime-image.sh`), its
 * output on this process's terminal. Synchronous, like the seed's: it returns once the
 * image is built. The docker driver also builds it by itself when it is missing.
 *
 * @throws {ConfigurationError} `image_build_unavailable` when there is no build script.
 * @throws {ContainerStartError} when the build fails (its exit code).
 *
 * @example
 * ```ts
 * import { FileContainerRegistry, buildImage, startContainer } from "@app-building/sdk";
 * const config = { registry: new FileContainerRegistry(), envVars: { ANTHROPIC_API_KEY: process.env.ANTHROPIC_API_KEY ?? "" } };
 * const repo = { repoUrl: "https://github.com/acme/app.git", cloneBranch: "main", pushBranch: "agent/work" };
 * buildImage({ ...config, projectRoot: "/home/me/app-building" }); // after changing the runtime
 * const state = await startContainer({ ...config, driver: "docker" }, repo);
 * ```
 */
export function buildImage(config: ContainerConfig): void {
  const image = config.imageRef ?? getImageRef();
  const script = buildScriptFor(config);
  if (script === undefined || !existsSync(script)) {
    throw new ConfigurationError(
      `There is no script to build the image ${image}` +
        (script === undefined ? " (no projectRoot or docker.buildScript)" : ` (${script} is missing)`) +
        ": set projectRoot to an app-building checkout, or docker.buildScript.",
      SDK_ERROR_CODES.imageBuildUnavailable,
    );
  }
  try {
    execFileSync("bash", [script, image], { stdio: "inherit", env: { ...process.env, IMAGE_REF: image } });
  } catch (error) {
    const status = (error as { status?: number | null }).status ?? null;
    throw new ContainerStartError(`Building the image ${image} with ${script} failed (exit code ${status ?? "?"})`, {
      exitCode: status,
      cause: error,
    });
  }
}
