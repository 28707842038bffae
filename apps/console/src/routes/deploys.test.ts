import { describe, expect, it } from "vitest";
import { skipBytes } from "./deploys.js";
import { safeNext } from "./auth.js";

async function collect(chunks: string[], skip: number): Promise<string> {
  const encoder = new TextEncoder();
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(encoder.encode(chunk));
      controller.close();
    },
  }).pipeThrough(skipBytes(skip));
  let out = "";
  for await (const chunk of stream) out += new TextDecoder().decode(chunk);
  return out;
}

describe("skipBytes", () => {
  it("drops exactly the bytes the page already shows, across chunks", async () => {
    expect(await collect(["abc", "def", "ghi"], 0)).toBe("abcdefghi");
    expect(await collect(["abc", "def", "ghi"], 4)).toBe("efghi");
    expect(await collect(["abc", "def"], 6)).toBe("");
    expect(await collect(["abc"], 10)).toBe("");
  });
});

describe("safeNext", () => {
  it("goes back only to a path of the console", () => {
    expect(safeNext("/deploys/x?notice=started")).toBe("/deploys/x?notice=started");
    expect(safeNext("//evil.test/")).toBe("/");
    expect(safeNext("/\\evil.test")).toBe("/");
    expect(safeNext("https://evil.test/")).toBe("/");
    expect(safeNext(undefined)).toBe("/");
  });
});
