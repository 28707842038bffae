import { describe, expect, it } from "vitest";
import { SseParser } from "./sse.js";

describe("SseParser", () => {
  it("yields events split across chunks at any byte", () => {
    const text = ': connected\n\nid: 0\ndata: {"a":1}\n\nid: 1\ndata: {"b":2}\n\n';
    for (let cut = 1; cut < text.length; cut += 1) {
      const parser = new SseParser();
      const events = [...parser.push(text.slice(0, cut)), ...parser.push(text.slice(cut))];
      expect(events.map((e) => [e.id, e.data])).toEqual([
        ["0", '{"a":1}'],
        ["1", '{"b":2}'],
      ]);
    }
  });

  it("joins multi-line data, accepts CRLF and ignores heartbeats", () => {
    const parser = new SseParser();
    const events = parser.push("event: x\r\ndata: one\r\ndata: two\r\n\r\n: heartbeat\n\n");
    expect(events).toEqual([{ id: undefined, event: "x", data: "one\ntwo" }]);
  });

  it("keeps the last id for events that do not repeat it", () => {
    const parser = new SseParser();
    expect(parser.push("id: 7\ndata: a\n\ndata: b\n\n").map((e) => e.id)).toEqual(["7", "7"]);
  });
});
