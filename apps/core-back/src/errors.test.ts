import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import * as errors from "./errors.js";

const apiDocs = readFileSync(new URL("../../../docs/self-edit/api.md", import.meta.url), "utf8");
const skills = ["build", "build-unrestricted"].map((name) =>
  readFileSync(new URL(`../../../skills/${name}/SKILL.md`, import.meta.url), "utf8"),
);

const samples: errors.AppError[] = [
  new errors.InvalidBodyError("the body must be a JSON object"),
  new errors.InvalidQueryError("?wait must be true or false"),
  new errors.InvalidJsonError("the body is not valid JSON"),
  new errors.PayloadTooLargeError(1),
  new errors.BadRequestError("the request is malformed: fix it"),
  new errors.InvalidScopeError("everything"),
  new errors.NotLocalhostError("proxied"),
  new errors.UnrestrictedRequiredError("all"),
  new errors.UnauthorizedError(),
  new errors.ForbiddenError("only an admin may do this"),
  new errors.NotFoundError("no route GET /x: see the docs"),
  new errors.DeployNotFoundError("d"),
  new errors.BuildInProgressError("d"),
  new errors.DeployFinishedError("d", "ok"),
  new errors.DeployWaitTimeoutError("d", "building", 1000),
  new errors.ShuttingDownError(),
  new errors.InternalError(),
];

describe("the error hierarchy", () => {
  it("gives every error a stable code, an HTTP status and a message that says what to do", () => {
    for (const error of samples) {
      expect(error).toBeInstanceOf(errors.AppError);
      expect(error.code).toMatch(/^[a-z_]+$/);
      expect(error.status).toBeGreaterThanOrEqual(400);
      expect(error.message.length).toBeGreaterThan(10);
    }
  });

  it("is documented: every code is in the API docs with its status", () => {
    for (const error of samples) {
      expect(apiDocs, error.code).toMatch(
        new RegExp(`\`${error.status}\`[^\\n]*\`${error.code}\`|\`${error.status} ${error.code}\``),
      );
    }
  });

  it("matches what the build skills tell the agent about the self-deploy answers", () => {
    const selfDeployCodes = samples
      .filter(
        (error) =>
          ![
            "unauthorized",
            "forbidden",
            "not_found",
            "deploy_finished",
            "internal_error",
            "invalid_query",
            "payload_too_large",
            "bad_request",
          ].includes(error.code),
      )
      .map((error) => `${error.status} ${error.code}`);
    for (const skill of skills) {
      for (const answer of selfDeployCodes) expect(skill, answer).toContain(answer);
    }
  });
});
