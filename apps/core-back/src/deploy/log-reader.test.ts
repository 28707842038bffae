import { EventEmitter } from "node:events";
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { DeployStatus } from "@app-building/types";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { followLogFile, readLogFile } from "./log-reader.js";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "log-reader-"));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

async function text(chunks: AsyncIterable<Buffer>): Promise<string> {
  let all = "";
  for await (const chunk of chunks) all += chunk.toString("utf8");
  return all;
}

/** A deploy whose status the test sets, emitting `done` like the deploy service. */
class FakeDeploys extends EventEmitter<{ done: [{ id: string }] }> {
  status: DeployStatus = "building";
  get(): { status: DeployStatus } {
    return { status: this.status };
  }
  end(): void {
    this.status = "ok";
    this.emit("done", { id: "d1" });
  }
}

describe("readLogFile", () => {
  it("reads the whole log, and a log not written yet as empty", async () => {
    const path = join(dir, "d1.log");
    writeFileSync(path, "line one\nline two\n");
    expect(await text(readLogFile(path))).toBe("line one\nline two\n");
    expect(await text(readLogFile(join(dir, "missing.log")))).toBe("");
  });
});

describe("followLogFile", () => {
  it("reads what is written while the deploy runs, and ends once it is done", async () => {
    const path = join(dir, "d1.log");
    writeFileSync(path, "queued\n");
    const deploys = new FakeDeploys();
    const read = text(followLogFile(path, "d1", deploys, { pollMs: 10 }));
    await new Promise((resolve) => setTimeout(resolve, 30));
    appendFileSync(path, "building\n");
    await new Promise((resolve) => setTimeout(resolve, 30));
    appendFileSync(path, "ended\n");
    deploys.end();
    expect(await read).toBe("queued\nbuilding\nended\n");
    expect(deploys.listenerCount("done")).toBe(0);
  });

  it("stops when its reader goes away, with no listener left behind", async () => {
    const path = join(dir, "d1.log");
    writeFileSync(path, "queued\n");
    const deploys = new FakeDeploys();
    const hangUp = new AbortController();
    const read = text(followLogFile(path, "d1", deploys, { signal: hangUp.signal, pollMs: 60_000 }));
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(deploys.listenerCount("done")).toBe(1);
    hangUp.abort();
    expect(await read).toBe("queued\n");
    expect(deploys.listenerCount("done")).toBe(0);
    expect(deploys.status).toBe("building");
  });
});
