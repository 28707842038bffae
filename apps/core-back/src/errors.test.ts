import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import * as errors from "./errors.js";
import { refusals } from "@app-building/server-edge";
import { STATUS_BY_CODE, statusOf } from "./http/errors.js";

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

/** The errors that write their own message, and what each tells the caller to do next. */
const ownMessages: [errors.AppError, string][] = [
  [new errors.PayloadTooLargeError(1024), "the request body is larger than 1024 bytes: send less"],
  [new errors.MethodNotAllowedError("TRACE", ["GET", "POST"]), "TRACE is not supported: use GET, POST"],
  [new errors.InvalidScopeError("everything"), 'unknown scope "everything": use "auto", "platform" or "all"'],
  [
    new errors.UnrestrictedRequiredError("all"),
    'scope "all" needs unrestricted mode; the platform is in restricted mode: use "platform" or "auto"',
  ],
  [
    new errors.UnauthorizedError(),
    "sign in: send a session cookie, an Authorization: Bearer token or an x-api-key header",
  ],
  [new errors.DeployNotFoundError("d1"), 'no deploy has the id "d1": list deploys with GET /deploy'],
  [new errors.ReleaseNotFoundError("r1"), 'no release has the id "r1": list releases with GET /deploy/releases'],
  [
    new errors.ReleaseNotPromotableError("r1", "failed"),
    'release r1 is failed: only a release whose build passed can become live; pick a "good" one from GET /deploy/releases',
  ],
  [
    new errors.ReleasesUnavailableError(),
    "this core-back runs without releases (no RELEASES_DIR): start the platform with npm start to get them",
  ],
  [
    new errors.BuildInProgressError("d1"),
    "a build is running: call again without ?wait=false to queue behind it, or wait for it to end",
  ],
  [new errors.DeployFinishedError("d1", "success"), 'deploy d1 already ended with status "success": nothing to cancel'],
  [
    new errors.DeployWaitTimeoutError("d1", "building", 90_400),
    "deploy d1 is still building after 90 s; it goes on: call again later for a fresh result",
  ],
  [new errors.ShuttingDownError(), "core-back is shutting down: call again in a few seconds"],
  [new errors.InternalError(new Error("disk full")), "core-back failed unexpectedly: see its log"],
];

const everySample = [...samples, ...ownMessages.map(([error]) => error)];

/** Every answer the API docs list: core-back's errors with their statuses, and the edge's loopback refusal. */
const answers: { status: number; code: string }[] = [
  ...samples.map((error) => ({ status: statusOf(error), code: error.code })),
  refusals.notLocal("proxied"),
];

describe("the error hierarchy", () => {
  it("gives every error a stable code of its own list, and no HTTP status", () => {
    for (const error of everySample) {
      expect(error).toBeInstanceOf(errors.AppError);
      expect(errors.APP_ERROR_CODES, error.name).toContain(error.code);
      expect(error, error.name).not.toHaveProperty("status");
    }
  });

  it("has a sample of every error class it exports, so the checks below see them all", () => {
    const classes = Object.values(errors).filter(
      (value): value is typeof errors.AppError =>
        typeof value === "function" && value.prototype instanceof errors.AppError,
    );
    const sampled = new Set(everySample.map((error) => error.constructor));
    for (const errorClass of classes) expect(sampled.has(errorClass), errorClass.name).toBe(true);
  });

  it("maps every code to an HTTP status in the one table at the HTTP edge", () => {
    for (const code of errors.APP_ERROR_CODES) {
      expect(Object.hasOwn(STATUS_BY_CODE, code), code).toBe(true);
      expect(STATUS_BY_CODE[code], code).toBeGreaterThanOrEqual(400);
    }
    expect(Object.keys(STATUS_BY_CODE).sort()).toEqual([...errors.APP_ERROR_CODES].sort());
  });

  it("says what the caller should do next in every message it writes itself", () => {
    for (const [error, message] of ownMessages) expect(error.message, error.name).toBe(message);
  });

  it("keeps the message a caller gave, and the cause", () => {
    const cause = new SyntaxError("Unexpected token");
    const error = new errors.InvalidJsonError("the body is not valid JSON: send a JSON object", cause);
    expect(error.message).toBe("the body is not valid JSON: send a JSON object");
    expect(error.cause).toBe(cause);
    expect(new errors.InternalError(cause).cause).toBe(cause);
  });

  it("is documented: every code is in the API docs with its status", () => {
    for (const { status, code } of answers) {
      expect(apiDocs, code).toMatch(new RegExp(`\`${status}\`[^\\n]*\`${code}\`|\`${status} ${code}\``));
    }
  });

  it("matches what the build skills tell the agent about the self-deploy answers", () => {
    const selfDeployCodes = answers
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
      .map((answer) => `${answer.status} ${answer.code}`);
    for (const skill of skills) {
      for (const answer of selfDeployCodes) expect(skill, answer).toContain(answer);
    }
  });
});
