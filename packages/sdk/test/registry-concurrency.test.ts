import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type * as Sdk from "../src/index.js";
import { requireBuiltSdk } from "./helpers/paths.js";

const run = promisify(execFile);

const WRITER = `
const [entry, file, id, count] = process.argv.slice(1);
const { FileContainerRegistry } = await import(entry);
const registry = new FileContainerRegistry(file);
for (let i = 0; i < Number(count); i += 1) {
  const name = \`w\${id}-\${i}\`;
  await registry.log({ type: "local", driver: "process", containerName: name, baseUrl: "http://127.0.0.1:9", token: "t", startedAt: new Date().toISOString() });
  if (i % 2 === 0) await registry.markStopped(name);
}
`;

describe("FileContainerRegistry shared by many processes", () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "sdk-registry-mp-"));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("loses no entry and no stop mark when 20 processes write at once", async () => {
    const entry = requireBuiltSdk();
    const file = join(dir, "registry.jsonl");
    const perWriter = 40;
    await Promise.all(
      Array.from({ length: 20 }, (_, id) =>
        run(process.execPath, ["--input-type=module", "-e", WRITER, entry, file, String(id), String(perWriter)]),
      ),
    );
    const { FileContainerRegistry } = (await import(entry)) as typeof Sdk;
    const registry = new FileContainerRegistry(file);
    const all = await registry.getRecent(10_000);
    expect(all).toHaveLength(20 * perWriter);
    expect(registry.problems).toEqual([]);
    for (let id = 0; id < 20; id += 1) {
      for (let i = 0; i < perWriter; i += 1) {
        const found = await registry.find(`w${id}-${i}`);
        expect(found, `w${id}-${i}`).not.toBeNull();
        expect(found!.stoppedAt === null, `w${id}-${i} stop mark`).toBe(i % 2 !== 0);
      }
    }
    for (const line of (await readFile(file, "utf8")).trim().split("\n")) {
      expect(() => JSON.parse(line) as unknown).not.toThrow();
    }
  });
});
