import { readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { ERROR_CODES } from "@app-building/types";
import { describe, expect, it } from "vitest";
import * as errors from "./errors.js";
import { errorAnswer, STATUS_BY_CODE } from "./http/errors.js";

/** One of every error the runtime throws, and the status it answers with. */
const samples: [errors.AppError, number][] = [
  [new errors.UnauthorizedError(), 401],
  [new errors.InvalidBodyError("prompt: required", { field: "prompt" }), 400],
  [new errors.InvalidQueryError("offset must be a whole number"), 400],
  [new errors.InvalidJsonError(), 400],
  [new errors.NotFoundError("no message m1"), 404],
  [new errors.ContainerStoppingError("stopping"), 409],
];

describe("the runtime's errors", () => {
  it("answer with the status the one table gives their code, and their code, message and details", () => {
    for (const [error, status] of samples) {
      expect(errorAnswer(error), error.code).toMatchObject({
        status,
        body: { ...error.details, error: error.code, message: error.message },
        known: true,
      });
    }
  });

  it("have a status for every code, and a sample of every class", () => {
    expect(Object.keys(STATUS_BY_CODE).sort()).toEqual([...errors.APP_ERROR_CODES].sort());
    const classes = Object.values(errors).filter(
      (value): value is typeof errors.AppError =>
        typeof value === "function" && value.prototype instanceof errors.AppError,
    );
    const sampled = new Set(samples.map(([error]) => error.constructor));
    for (const errorClass of classes) expect(sampled.has(errorClass), errorClass.name).toBe(true);
  });

  it("are every code the runtime's modules send: answered with a status, or on the failed ready line", () => {
    const src = dirname(fileURLToPath(import.meta.url));
    const files = readdirSync(src, { recursive: true, encoding: "utf8" }).filter(
      (file) => file.endsWith(".ts") && !file.endsWith(".test.ts"),
    );
    const named = new Set(
      files.flatMap((file) =>
        [...readFileSync(join(src, file), "utf8").matchAll(/ERROR_CODES\.(\w+)/g)].map(([, key]) => key!),
      ),
    );
    const listed = new Set<string>([...Object.keys(STATUS_BY_CODE), ...errors.STARTUP_ERROR_CODES]);
    expect(named.size).toBeGreaterThan(0);
    for (const key of named) {
      const code = ERROR_CODES[key as keyof typeof ERROR_CODES];
      expect(code, `ERROR_CODES.${key}`).toBeDefined();
      expect(listed.has(code), code).toBe(true);
    }
  });

  it("carry no HTTP status themselves", () => {
    for (const [error] of samples) expect(error).not.toHaveProperty("status");
  });
});
