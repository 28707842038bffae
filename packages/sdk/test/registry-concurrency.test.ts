import { execFile, spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { hostname, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { createInterface, type Interface } from "node:readline";
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

/**
 * A process that takes the registry lock once per line it reads on stdin and, inside it,
 * creates a marker file with O_EXCL: finding the marker there means another process is in
 * the critical section too. It prints the number of overlaps it saw after each round.
 */
const LOCKER = `
const [lockModule, lockPath, marker] = process.argv.slice(1);
const { withFileLock } = await import(lockModule);
const { open, unlink } = await import("node:fs/promises");
const { createInterface } = await import("node:readline");
for await (const _line of createInterface({ input: process.stdin })) {
  let overlaps = 0;
  await withFileLock(lockPath, async () => {
    let handle;
    try {
      handle = await open(marker, "wx");
    } catch (error) {
      if (error.code !== "EEXIST") throw error;
      overlaps += 1;
    }
    for (let i = 0; i < 20; i += 1) await new Promise((resolve) => setImmediate(resolve));
    if (handle !== undefined) {
      await handle.close();
      await unlink(marker);
    }
  }, 60_000);
  process.stdout.write(overlaps + "\\n");
}
`;

/** The pid of a process that has exited (what a crashed lock holder leaves in its lock). */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ["-e", ""], { stdio: "ignore" });
  await new Promise((resolve) => child.once("exit", resolve));
  return child.pid!;
}

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

  it("lets exactly one of 20 processes into the lock at a time when they find a stale lock, round after round", async () => {
    const lockModule = join(dirname(requireBuiltSdk()), "registry", "lock.js");
    const lockPath = join(dir, "registry.jsonl.lock");
    const marker = join(dir, "inside");
    const lockers: { child: ChildProcess; lines: Interface }[] = Array.from({ length: 20 }, () => {
      const child = spawn(process.execPath, ["--input-type=module", "-e", LOCKER, lockModule, lockPath, marker], {
        stdio: ["pipe", "pipe", "inherit"],
      });
      return { child, lines: createInterface({ input: child.stdout }) };
    });
    const iterators = lockers.map(({ lines }) => lines[Symbol.asyncIterator]());
    try {
      let overlaps = 0;
      for (let round = 0; round < 50; round += 1) {
        await writeFile(
          lockPath,
          JSON.stringify({ pid: await deadPid(), host: hostname(), at: new Date().toISOString() }),
        );
        for (const { child } of lockers) child.stdin!.write("go\n");
        const answers = await Promise.all(iterators.map((lines) => lines.next()));
        for (const answer of answers) {
          expect(answer.done, "a locker process ended early").toBe(false);
          overlaps += Number(answer.value);
        }
        expect(existsSync(lockPath), `round ${round} left the lock behind`).toBe(false);
      }
      expect(overlaps).toBe(0);
    } finally {
      for (const { child } of lockers) child.kill("SIGKILL");
    }
  });
});
