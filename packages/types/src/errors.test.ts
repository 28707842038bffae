import { describe, expect, it } from "vitest";
import { ERROR_CODES, errorBodySchema } from "./errors.js";

describe("the shared error codes", () => {
  it("are snake_case, and no two names share a code", () => {
    const codes = Object.values(ERROR_CODES);
    for (const code of codes) expect(code).toMatch(/^[a-z]+(_[a-z]+)*$/);
    expect(new Set(codes).size).toBe(codes.length);
  });

  it("include the codes of a server that fails to start", () => {
    expect(ERROR_CODES).toMatchObject({ invalidEnv: "invalid_env", startupFailed: "startup_failed" });
  });

  it("travel in an {error, message} body that keeps a server's extra fields", () => {
    const body = errorBodySchema.parse({ error: ERROR_CODES.notFound, message: "no message m1", id: "m1" });
    expect(body).toEqual({ error: "not_found", message: "no message m1", id: "m1" });
    expect(errorBodySchema.safeParse({ error: "not_found" }).success).toBe(false);
  });
});
