import { ERROR_CODES } from "@app-building/types";
import { describe, expect, it } from "vitest";
import * as errors from "./errors.js";
import {
  AuthenticationError,
  CapacityError,
  ContainerGoneError,
  InvalidRequestError,
  NotFoundError,
  SDK_ERROR_CODES,
  ServerError,
  TimeoutError,
  errorFromNetworkFailure,
  errorFromResponse,
} from "./errors.js";

const failed = (status: number, body: unknown) => ({
  status,
  bodyText: typeof body === "string" ? body : JSON.stringify(body),
  request: "GET http://127.0.0.1:1/x",
});

describe("errorFromResponse", () => {
  it("maps the platform's {error, message} bodies to typed errors that keep the server's words", () => {
    const auth = errorFromResponse(failed(401, { error: "unauthorized", message: "send the bearer token" }));
    expect(auth).toBeInstanceOf(AuthenticationError);
    expect(auth.message).toContain("send the bearer token");
    expect(errorFromResponse(failed(404, { error: "not_found", message: "no message m1" }))).toBeInstanceOf(
      NotFoundError,
    );
    const invalid = errorFromResponse(failed(400, { error: "invalid_body", message: "prompt: required" }));
    expect(invalid).toBeInstanceOf(InvalidRequestError);
    expect(invalid).toMatchObject({ code: "invalid_body", status: 400, retryable: false });
  });

  it("keeps a 403's own code, and blames the token only when the token was refused", () => {
    const host = errorFromResponse(
      failed(403, { error: "forbidden_host", message: "Host evil.test is not this server's address" }),
    );
    expect(host).toBeInstanceOf(AuthenticationError);
    expect(host).toMatchObject({ code: "forbidden_host", status: 403 });
    expect(host.message).toContain("Host evil.test is not this server's address");
    expect(host.message).not.toContain("token");
    const origin = errorFromResponse(failed(403, { error: "foreign_origin", message: "Origin refused" }));
    expect(origin).toMatchObject({ code: "foreign_origin", status: 403 });
    const token = errorFromResponse(failed(401, { error: "unauthorized", message: "bad token" }));
    expect(token).toMatchObject({ code: "unauthorized", status: 401 });
    expect(token.message).toContain("Check the token you passed.");
    // No platform body at all: a refusal of the token is the likeliest reading.
    expect(errorFromResponse(failed(401, "nope"))).toMatchObject({ code: "unauthorized" });
  });

  it("marks server failures and Fly's transient answers retryable, and capacity errors as their own kind", () => {
    expect(errorFromResponse(failed(503, "upstream unavailable"))).toMatchObject({ retryable: true, status: 503 });
    expect(errorFromResponse(failed(503, "x"))).toBeInstanceOf(ServerError);
    expect(errorFromResponse(failed(422, { error: "MANIFEST_UNKNOWN: manifest unknown" }))).toMatchObject({
      code: "manifest_unknown",
      retryable: true,
    });
    expect(errorFromResponse(failed(412, { error: "insufficient resources to create new machine" }))).toBeInstanceOf(
      CapacityError,
    );
    expect(errorFromResponse(failed(408, { error: "deadline_exceeded" }))).toBeInstanceOf(TimeoutError);
  });

  it("keeps a code of the platform's, and puts anything else in that place (Fly's words) in the message", () => {
    expect(errorFromResponse(failed(409, { error: "container_stopping", message: "start a new one" }))).toMatchObject({
      code: ERROR_CODES.containerStopping,
    });
    const words = errorFromResponse(failed(400, { error: "invalid machine config: guest.cpus" }));
    expect(words).toMatchObject({ code: SDK_ERROR_CODES.invalidRequest, status: 400 });
    expect(words.message).toContain("invalid machine config: guest.cpus");
    expect(errorFromResponse(failed(502, { error: "no such upstream" })).code).toBe(SDK_ERROR_CODES.serverError);
  });

  it("copes with an empty or non-JSON body", () => {
    expect(errorFromResponse(failed(500, "")).message).toContain("HTTP 500");
    expect(errorFromResponse(failed(502, "<html>bad gateway</html>")).message).toContain("bad gateway");
  });
});

describe("errorFromNetworkFailure", () => {
  it("calls a refused or reset connection a container that is gone, keeping the cause", () => {
    const refused = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:1"), { code: "ECONNREFUSED" });
    const error = errorFromNetworkFailure(new TypeError("fetch failed", { cause: refused }), "GET /status");
    expect(error).toBeInstanceOf(ContainerGoneError);
    expect(error.cause).toBeInstanceOf(TypeError);
  });

  it("calls an aborted or timed-out request a timeout", () => {
    const timeout = new DOMException("The operation was aborted due to timeout", "TimeoutError");
    expect(errorFromNetworkFailure(timeout, "GET /status")).toBeInstanceOf(TimeoutError);
  });
});

describe("the SDK's error codes", () => {
  it("are snake_case and apart from the servers' codes: each code is in one list", () => {
    const own = Object.values(SDK_ERROR_CODES);
    for (const code of own) expect(code).toMatch(/^[a-z]+(_[a-z]+)*$/);
    expect(new Set(own).size).toBe(own.length);
    const servers = new Set<string>(Object.values(ERROR_CODES));
    expect(own.filter((code) => servers.has(code))).toEqual([]);
  });

  it("are what every error class carries by default", () => {
    const samples: errors.AppBuildingError[] = [
      new errors.AuthenticationError("x"),
      new errors.NotFoundError("x"),
      new errors.ContainerGoneError("x"),
      new errors.TimeoutError("x"),
      new errors.CapacityError("x"),
      new errors.ConfigurationError("x"),
      new errors.ContainerStartError("x"),
    ];
    const classes = Object.values(errors).filter(
      (value): value is typeof errors.AppBuildingError =>
        typeof value === "function" && value.prototype instanceof errors.AppBuildingError,
    );
    // The two that carry the code of the answer they were mapped from are sampled above, by errorFromResponse.
    const sampled = new Set<unknown>([...samples.map((error) => error.constructor), InvalidRequestError, ServerError]);
    for (const errorClass of classes) {
      expect(sampled.has(errorClass), errorClass.name).toBe(true);
    }
    const known = new Set<string>([...Object.values(SDK_ERROR_CODES), ...Object.values(ERROR_CODES)]);
    for (const error of samples) expect(known.has(error.code), error.code).toBe(true);
  });
});
