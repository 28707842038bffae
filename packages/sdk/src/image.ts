/**
 * The image the Docker and Fly drivers run when neither the config nor the environment names one.
 *
 * @example
 * ```ts
 * import { DEFAULT_IMAGE_REF, FileContainerRegistry, startContainer } from "@app-building/sdk";
 * // A pinned tag in CI, the locally built image ("app-building/container-runtime:latest") elsewhere.
 * const imageRef = process.env.CI === "true" ? "ghcr.io/acme/agents:1.4.0" : DEFAULT_IMAGE_REF;
 * const state = await startContainer({ registry: new FileContainerRegistry(), driver: "docker", imageRef }, null);
 * ```
 */
export const DEFAULT_IMAGE_REF = "app-building/container-runtime:latest";

/**
 * The container image to run: `CONTAINER_IMAGE_REF` from the environment when set,
 * otherwise {@link DEFAULT_IMAGE_REF}.
 *
 * @param env - the environment to read; `process.env` by default.
 * @example
 * ```ts
 * import { execFileSync } from "node:child_process";
 * import { getImageRef } from "@app-building/sdk";
 * const image = getImageRef(); // "app-building/container-runtime:latest" unless CONTAINER_IMAGE_REF is set
 * execFileSync("docker", ["image", "inspect", image], { stdio: "ignore" }); // throws when it is not built yet
 * ```
 */
export function getImageRef(env: Record<string, string | undefined> = process.env): string {
  const fromEnv = env.CONTAINER_IMAGE_REF?.trim();
  return fromEnv !== undefined && fromEnv !== "" ? fromEnv : DEFAULT_IMAGE_REF;
}
