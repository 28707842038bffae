import { describe, expect, it } from "vitest";
import { toErrorResponse } from "./error-map.js";
import { EdgeError, refusals } from "./refusal.js";

class DeployConflictError extends Error {
  code = "build_in_progress";
  status = 409;
  details = { deployId: "d1" };
}

describe("the error map", () => {
  it("answers a coded error with its status, code, message and details", () => {
    expect(toErrorResponse(new DeployConflictError("wait for d1"), "x")).toEqual({
      status: 409,
      body: { error: "build_in_progress", message: "wait for d1", deployId: "d1" },
      known: true,
    });
    expect(toErrorResponse(new EdgeError(refusals.payloadTooLarge(5)), "x")).toMatchObject({ status: 413 });
  });

  it("never shows an unknown error's text", () => {
    const answer = toErrorResponse(new Error("ENOENT /secret/path token=abc"), "see the log");
    expect(answer).toEqual({ status: 500, body: { error: "internal_error", message: "see the log" }, known: false });
    expect(toErrorResponse("a string", "see the log").status).toBe(500);
  });
});
