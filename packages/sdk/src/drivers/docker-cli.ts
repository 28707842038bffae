import { execa, type Options } from "execa";
import { ConfigurationError, SDK_ERROR_CODES } from "../errors.js";

/** The label every container started by the docker driver carries (value: the container name). */
export const CONTAINER_LABEL = "app-building.container";

/** What one Docker CLI call printed and how it ended. */
export interface DockerResult {
  exitCode: number | undefined;
  stdout: string;
  /** stdout and stderr interleaved. */
  all: string;
}

/** Runs the Docker CLI with an args array (never a shell string). */
export async function docker(args: string[], options: Pick<Options, "env" | "timeout"> = {}): Promise<DockerResult> {
  try {
    const result = await execa("docker", args, { reject: false, all: true, timeout: 120_000, ...options });
    return { exitCode: result.exitCode, stdout: String(result.stdout), all: String(result.all ?? "") };
  } catch (error) {
    throw new ConfigurationError(
      "The docker command could not run: install the Docker CLI, or use the process driver.",
      SDK_ERROR_CODES.dockerUnavailable,
      error,
    );
  }
}

let engineCheck: { at: number; answers: boolean } | null = null;

/**
 * True when a Docker Engine answers `docker version` within 3 s (cached for 10 s).
 *
 * @example
 * ```ts
 * import { dockerEngineAnswers } from "@app-building/sdk";
 * if (!(await dockerEngineAnswers())) console.log("no Docker: the process driver will be used");
 * ```
 */
export async function dockerEngineAnswers(): Promise<boolean> {
  if (engineCheck !== null && Date.now() - engineCheck.at < 10_000) return engineCheck.answers;
  let answers = false;
  try {
    const result = await execa("docker", ["version", "--format", "{{.Server.Version}}"], {
      reject: false,
      timeout: 3_000,
    });
    answers = result.exitCode === 0 && String(result.stdout).trim() !== "";
  } catch {
    answers = false;
  }
  engineCheck = { at: Date.now(), answers };
  return answers;
}

/** True when the image is present in the local engine. */
export async function imageExists(ref: string): Promise<boolean> {
  const result = await docker(["image", "inspect", "--format", "{{.Id}}", ref], { timeout: 15_000 });
  return result.exitCode === 0;
}
