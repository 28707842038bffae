import { z } from "zod";

/**
 * An optional variable: unset, empty or blank reads as `undefined`.
 *
 * @example
 * ```ts
 * const schema = z.object({ GIT_TOKEN: optionalText });
 * ```
 */
export const optionalText = z
  .string()
  .optional()
  .transform((value) => (value === undefined || value.trim() === "" ? undefined : value));

/** An on/off flag: `1`, `true`, `yes` are on; unset, empty, `0`, `false`, `no` are off. */
export const flag = z
  .enum(["1", "0", "true", "false", "yes", "no", ""])
  .optional()
  .transform((value) => value === "1" || value === "true" || value === "yes");

/** A TCP port (0 picks a free one), with a default. */
export const port = (fallback: number) => z.coerce.number().int().min(0).max(65535).default(fallback);

/** A whole number of at least `min`, with a default. */
export const int = (fallback: number, min = 0) => z.coerce.number().int().min(min).default(fallback);

/** A comma-separated list (blank entries dropped), trimmed and lower-cased: host names. */
export const nameList = z
  .string()
  .optional()
  .transform((value) =>
    (value ?? "")
      .split(",")
      .map((name) => name.trim().toLowerCase())
      .filter((name) => name !== ""),
  );

/**
 * An environment an app cannot start with: the message names every bad variable. The one
 * such error of the three apps; their `env.ts` throw it, their `main.ts` report it.
 *
 * @example
 * ```ts
 * if (env.AGENT === "command" && env.AGENT_COMMAND === undefined) {
 *   throw new EnvError("invalid environment: AGENT_COMMAND: required when AGENT=command");
 * }
 * ```
 */
export class EnvError extends Error {
  override readonly name = "EnvError";
}

/**
 * Parses an environment with a schema, or throws an {@link EnvError} saying `invalid
 * <what>: ` and naming every bad variable. The one way each app reads its environment (in
 * its `env.ts`).
 *
 * @example
 * ```ts
 * const env = parseEnv(envSchema, process.env, "core-back environment");
 * ```
 */
export function parseEnv<T extends z.ZodType>(
  schema: T,
  source: Record<string, string | undefined>,
  what: string,
): z.infer<T> {
  const parsed = schema.safeParse(source);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`).join("; ");
    throw new EnvError(`invalid ${what}: ${problems}`);
  }
  return parsed.data;
}
