import { AuthenticationError, ContainerGoneError, InvalidRequestError, TimeoutError } from "@app-building/sdk";
import { describe, expect, it } from "vitest";
import { describeContainerError } from "./containers.js";

const state = { baseUrl: "http://127.0.0.1:4100" };

describe("describeContainerError", () => {
  it("explains the SDK's errors by their stable codes", () => {
    expect(describeContainerError(new ContainerGoneError("ECONNREFUSED"), state)).toBe(
      "no answer from http://127.0.0.1:4100: the container is gone or not started",
    );
    expect(describeContainerError(new AuthenticationError("401"), state)).toBe(
      "the container refused the registry's token: it was restarted under another token",
    );
    expect(describeContainerError(new TimeoutError("GET /status timed out"), state, 1500)).toBe(
      "no answer from http://127.0.0.1:4100 within 1500 ms",
    );
    expect(describeContainerError(new InvalidRequestError("the prompt is empty", "invalid_body", 400), state)).toBe(
      "the prompt is empty",
    );
  });

  it("reads an aborted call as no answer in time", () => {
    expect(describeContainerError(new DOMException("timed out", "TimeoutError"), state)).toBe(
      "no answer from http://127.0.0.1:4100 in time",
    );
    expect(describeContainerError(new DOMException("aborted", "AbortError"), state, 5)).toBe(
      "no answer from http://127.0.0.1:4100 within 5 ms",
    );
  });
});
