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

  it("gives a domain error the status its server's table names for its code", () => {
    const error = Object.assign(new Error("deploy d1 already ended"), {
      code: "deploy_finished",
      details: { deployId: "d1" },
    });
    expect(toErrorResponse(error, "x", { deploy_finished: 409 })).toEqual({
      status: 409,
      body: { error: "deploy_finished", message: "deploy d1 already ended", deployId: "d1" },
      known: true,
    });
    // A code the table does not name (a Node error's ENOENT) stays unknown.
    const missing = Object.assign(new Error("ENOENT /secret"), { code: "ENOENT" });
    expect(toErrorResponse(missing, "see the log", { deploy_finished: 409 })).toMatchObject({
      status: 500,
      known: false,
    });
    expect(toErrorResponse(Object.assign(new Error("x"), { code: "toString" }), "y", {}).known).toBe(false);
  });

  it("never shows an unknown error's text", () => {
    const answer = toErrorResponse(new Error("ENOENT /secret/path token=abc"), "see the log");
    expect(answer).toEqual({ status: 500, body: { error: "internal_error", message: "see the log" }, known: false });
    expect(toErrorResponse("a string", "see the log").status).toBe(500);
  });
});
