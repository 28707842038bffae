import { describe, expect, it } from "vitest";
import { findReadyLine } from "./ready-line.js";

describe("findReadyLine", () => {
  it("finds the runtime's ready line among other output", () => {
    expect(findReadyLine('booting\n{"level":30}\n{"ready":true,"port":41234}\n')).toEqual({ ready: true, port: 41234 });
  });

  it("reports a failed start with its message", () => {
    expect(findReadyLine('{"ready":false,"message":"PORT is not a number"}')).toEqual({
      ready: false,
      message: "PORT is not a number",
    });
  });

  it("waits while there is no complete ready line yet", () => {
    expect(findReadyLine('starting\n{"ready":tr')).toBeNull();
    expect(findReadyLine("")).toBeNull();
  });
});
