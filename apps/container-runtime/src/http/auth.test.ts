import { describe, expect, it } from "vitest";
import { bearerChecker, isLoopbackAddress } from "./auth.js";

describe("bearerChecker", () => {
  const matches = bearerChecker("s3cret-token");

  it("accepts the token as a bearer credential, case-insensitively for the scheme", () => {
    expect(matches("Bearer s3cret-token")).toBe(true);
    expect(matches("bearer   s3cret-token ")).toBe(true);
  });

  it("refuses a missing, empty, different, prefixed or differently-schemed credential", () => {
    for (const header of [
      undefined,
      "",
      "Bearer ",
      "Bearer s3cret",
      "Bearer s3cret-token-x",
      "Basic s3cret-token",
      "s3cret-token",
    ]) {
      expect(matches(header)).toBe(false);
    }
  });
});

describe("isLoopbackAddress", () => {
  it("knows IPv4, IPv6 and IPv4-mapped loopback, and nothing else", () => {
    expect(["127.0.0.1", "127.8.9.10", "::1", "::ffff:127.0.0.1"].every(isLoopbackAddress)).toBe(true);
    expect(["10.0.0.1", "192.168.1.2", "::ffff:10.0.0.1", "fe80::1", undefined].some(isLoopbackAddress)).toBe(false);
  });
});
