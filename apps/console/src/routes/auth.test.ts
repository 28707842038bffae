import { describe, expect, it } from "vitest";
import { safeNext } from "./auth.js";

describe("safeNext", () => {
  it("goes back to a path of the console, with its query", () => {
    expect(safeNext("/deploys/x?y=1")).toBe("/deploys/x?y=1");
    expect(safeNext("/deploys/x?notice=started")).toBe("/deploys/x?notice=started");
    expect(safeNext("/containers")).toBe("/containers");
  });

  it("keeps a still-encoded tab as part of a path of the console", () => {
    expect(safeNext("/%09/evil.com")).toBe("/%09/evil.com");
  });

  it("sends anything that a browser would take to another site home", () => {
    expect(safeNext("/\t/evil.com")).toBe("/");
    expect(safeNext("/\n/evil.com")).toBe("/");
    expect(safeNext("//evil.com")).toBe("/");
    expect(safeNext("/\\evil.com")).toBe("/");
    expect(safeNext("/\\/evil.com")).toBe("/");
    expect(safeNext("https://evil.com")).toBe("/");
    expect(safeNext("javascript:alert(1)")).toBe("/");
    expect(safeNext("evil.com")).toBe("/");
    expect(safeNext("/.//evil.com/phish")).toBe("/");
    expect(safeNext("/a/..//evil.com")).toBe("/");
  });

  it("sends a visitor with no place to go home", () => {
    expect(safeNext(undefined)).toBe("/");
    expect(safeNext("")).toBe("/");
  });
});
