import { chmodSync, mkdtempSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { bearerChecker, readOrCreateSecret } from "./credentials.js";

describe("credentials", () => {
  it("check a bearer token exactly", () => {
    const matches = bearerChecker("s3cret");
    expect(matches("Bearer s3cret")).toBe(true);
    expect(matches("bearer  s3cret ")).toBe(true);
    expect(matches("Bearer s3cre")).toBe(false);
    expect(matches("Bearer ")).toBe(false);
    expect(matches(undefined)).toBe(false);
    expect(matches("s3cret")).toBe(false);
  });

  it("keep a secret in a 0600 file in a 0700 folder whatever the umask, and read the same one back", () => {
    const previous = process.umask(0o022);
    try {
      const file = join(mkdtempSync(join(tmpdir(), "edge-")), "sub", "token");
      const first = readOrCreateSecret(file);
      expect(first).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(readOrCreateSecret(file)).toBe(first);
      expect(statSync(file).mode & 0o777).toBe(0o600);
      expect(statSync(join(file, "..")).mode & 0o777).toBe(0o700);
      writeFileSync(file, "kept\n");
      chmodSync(file, 0o644);
      expect(readOrCreateSecret(file)).toBe("kept");
      expect(statSync(file).mode & 0o777).toBe(0o600);
    } finally {
      process.umask(previous);
    }
  });
});
