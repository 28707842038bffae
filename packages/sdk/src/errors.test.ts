import { describe, expect, it } from "vitest";
import {
  AuthenticationError,
  CapacityError,
  ContainerGoneError,
  InvalidRequestError,
  NotFoundError,
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
