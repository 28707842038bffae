import { describe, expect, it } from "vitest";
import { pageStatus, STATUS_BY_CODE } from "./error-handler.js";
import * as errors from "./errors.js";

/** One of every error the console throws, and the status of the page that shows it. */
const samples: [errors.ConsoleError, number][] = [
  [new errors.BadRequestError("the form is not valid"), 400],
  [new errors.NotFoundError("no container x"), 404],
  [new errors.SignInRefusedError("wrong_credentials", "a@example.test"), 401],
  [new errors.SignInRefusedError("too_many_attempts", "a@example.test"), 429],
  [new errors.CoreBackUnreachableError("http://127.0.0.1:1", new Error("ECONNREFUSED")), 502],
  [new errors.CoreBackError("deploy_finished", "deploy d1 already ended", 409), 409],
  [new errors.CoreBackError("internal_error", "core-back failed", 500), 502],
  [new errors.CoreBackError("too_many_requests", "slow down", 429), 502],
  [
    new errors.ContainerActionError("stopping", "the container is stopping", {
      code: "container_stopping",
      status: 409,
    }),
    409,
  ],
  [new errors.ContainerActionError("sending the prompt", "no answer", { code: "container_gone" }), 502],
  [new errors.ContainerActionError("interrupting", "it failed", { code: "server_error", status: 500 }), 502],
];

describe("the console's error pages", () => {
  it("gives every error the status of its page", () => {
    for (const [error, status] of samples) expect(pageStatus(error), `${error.name} ${error.code}`).toBe(status);
  });

  it("has a status for the code of every error of its own, never a 500", () => {
    const own = samples
      .map(([error]) => error)
      .filter((error) => !(error instanceof errors.CoreBackError || error instanceof errors.ContainerActionError));
    for (const error of own) expect(Object.hasOwn(STATUS_BY_CODE, error.code), error.code).toBe(true);
  });

  it("has a sample of every error class, so the checks above see them all", () => {
    const classes = Object.values(errors).filter(
      (value): value is typeof errors.ConsoleError =>
        typeof value === "function" && value.prototype instanceof errors.ConsoleError,
    );
    const sampled = new Set(samples.map(([error]) => error.constructor));
    for (const errorClass of classes) expect(sampled.has(errorClass), errorClass.name).toBe(true);
  });

  it("keeps the SDK's error as the cause and its code", () => {
    const cause = Object.assign(new Error("409 container_stopping"), { code: "container_stopping", status: 409 });
    const error = new errors.ContainerActionError("stopping", "the container is stopping", cause);
    expect(error.cause).toBe(cause);
    expect([error.code, error.message]).toEqual(["container_stopping", "stopping failed: the container is stopping"]);
  });
});
