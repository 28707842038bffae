import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadDotEnv } from "./dotenv.js";

describe("loadDotEnv", () => {
  it("reads NAME=value pairs, skipping comments and blank lines and removing one pair of quotes", async () => {
    const root = await mkdtemp(join(tmpdir(), "dotenv-"));
    await writeFile(
      join(root, ".env"),
      [
        "# the keys",
        "ANTHROPIC_API_KEY=sk-test",
        "",
        'QUOTED="two words"',
        "SINGLE='a=b'",
        "  SPACED = padded  ",
        "NOT A PAIR",
        "EMPTY=",
        "WINDOWS=crlf\r",
      ].join("\n"),
    );
    expect(loadDotEnv(root)).toEqual({
      ANTHROPIC_API_KEY: "sk-test",
      QUOTED: "two words",
      SINGLE: "a=b",
      SPACED: "padded",
      EMPTY: "",
      WINDOWS: "crlf",
    });
    expect(process.env.ANTHROPIC_API_KEY).not.toBe("sk-test");
  });

  it("gives {} for a project without a .env file", async () => {
    expect(loadDotEnv(await mkdtemp(join(tmpdir(), "dotenv-none-")))).toEqual({});
  });
});
