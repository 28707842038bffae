import { describe, expect, it } from "vitest";
import { skipBytes } from "./deploys.js";

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
