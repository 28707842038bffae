/**
 * The image the Docker and Fly drivers run when neither the config nor the environment names one.
 *
 * @example
 * ```ts
 * import { DEFAULT_IMAGE_REF } from "@app-building/sdk";
 * console.log(DEFAULT_IMAGE_REF); // "app-building/container-runtime:latest"
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
 * import { getImageRef } from "@app-building/sdk";
 * const image = getImageRef(); // "app-building/container-runtime:latest" unless CONTAINER_IMAGE_REF is set
 * ```
 */
export function getImageRef(env: Record<string, string | undefined> = process.env): string {
  const fromEnv = env.CONTAINER_IMAGE_REF?.trim();
  return fromEnv !== undefined && fromEnv !== "" ? fromEnv : DEFAULT_IMAGE_REF;
}
