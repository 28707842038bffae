import { describe, expect, it } from "vitest";
import { DEFAULT_IMAGE_REF, getImageRef } from "./image.js";

describe("getImageRef", () => {
  it("uses CONTAINER_IMAGE_REF when it is set", () => {
    expect(getImageRef({ CONTAINER_IMAGE_REF: "registry.fly.io/app:v2" })).toBe("registry.fly.io/app:v2");
  });

  it("falls back to the default for a missing or blank value", () => {
    expect(getImageRef({})).toBe(DEFAULT_IMAGE_REF);
    expect(getImageRef({ CONTAINER_IMAGE_REF: "  " })).toBe(DEFAULT_IMAGE_REF);
  });
});
