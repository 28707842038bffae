import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { startScriptedModel, type ScriptedModel } from "@app-building/testkit";
import type { JournalEvent } from "@app-building/types";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type * as Sdk from "../src/index.js";
import { startFlyMachinesStandIn, type FlyMachinesStandIn } from "./fly-machines-standin.js";
import { filesOnBranch, git, serveBareRepo, type ServedRepo } from "./helpers/git.js";
import { repoRoot } from "./helpers/paths.js";
import { loadSdk } from "./helpers/project.js";

/** How one driver is set up for the suite: the config it adds, and what to tear down. */
interface DriverSetup {
  config: Partial<Sdk.ContainerConfig>;
  /** Environment for the runtime besides the model's. */
  env: Record<string, string>;
  close(): Promise<void>;
}

const DRIVERS: { name: string; setup: (sdk: typeof Sdk, scratch: string) => Promise<DriverSetup> }[] = [
  {
    name: "process",
    setup: (_sdk, scratch) =>
      Promise.resolve({
        config: { driver: "process" },
        env: { HOME: scratch },
        close: () => Promise.resolve(),
      }),
  },
  {
    name: "docker",
    setup: () =>
      Promise.resolve({
        config: {
          driver: "docker",
          // This engine runs without a bridge network: the container shares the host's loopback.
          docker: { network: "host", build: "always", buildScript: join(repoRoot, "docker", "build-runtime-image.sh") },
        },
        env: {},
        close: () => Promise.resolve(),
      }),
  },
  {
    name: "fly (local Machines API stand-in)",
    setup: async (sdk, scratch) => {
      const fly: FlyMachinesStandIn = await startFlyMachinesStandIn({ runtimeEntry: sdk.resolveRuntimeEntry() });
      return {
        config: {
          flyToken: fly.token,
          flyApp: "agents",
          fly: { apiBaseUrl: fly.apiBaseUrl, appBaseUrl: fly.appBaseUrl, regions: ["ord"] },
        },
        env: { HOME: scratch },
        close: () => fly.close(),
      };
    },
  },
];

/** A tool call that runs for a minute unless interrupted. */
const WAIT_A_MINUTE = "timeout 60 tail -f /dev/null";

function hasText(event: JournalEvent, text: string): boolean {
  return event.kind === "agent" && JSON.stringify(event.data).includes(text);
}

/**
 * Resolves once the streamed `events` hold one that matches, and fails the test when none
 * has come after `timeoutMs`, naming what it waited for and the kinds it saw instead.
 */
async function eventArrives(
  events: JournalEvent[],
  what: string,
  matches: (event: JournalEvent) => boolean,
  timeoutMs = 60_000,
): Promise<JournalEvent> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = events.find(matches);
    if (found !== undefined) return found;
    if (Date.now() >= deadline) {
      throw new Error(
        `${what} never came within ${timeoutMs} ms; the stream had: ${events.map((e) => e.kind).join(", ")}`,
      );
    }
    await sleep(25);
  }
}

for (const driver of DRIVERS) {
  describe(`conformance: the ${driver.name} driver`, () => {
    let sdk: typeof Sdk;
    let scratch: string;
    let model: ScriptedModel;
    let remote: ServedRepo;
    let setup: DriverSetup;
    let config: Sdk.ContainerConfig;
    let state: Sdk.AgentState | undefined;

    beforeAll(async () => {
      sdk = await loadSdk();
      scratch = await mkdtemp(join(tmpdir(), "sdk-conformance-"));
      model = await startScriptedModel();
      remote = await serveBareRepo();
      setup = await driver.setup(sdk, scratch);
      config = {
        projectRoot: scratch,
        stateDir: join(scratch, "state"),
        envVars: { ...model.env(), ...setup.env },
        registry: new sdk.FileContainerRegistry(join(scratch, ".container-registry.jsonl")),
        agent: "claude",
        ...setup.config,
      };
    }, 900_000);

    afterAll(async () => {
      if (state !== undefined) {
        const entry = await config.registry.find(state.containerName);
        if (entry?.stoppedAt === null)
          await sdk.stopContainer(config, state, { timeoutMs: 10_000 }).catch(() => undefined);
      }
      await setup.close();
      await remote.close();
      await model.close();
      await rm(scratch, { recursive: true, force: true });
    });

    it("starts, works with the real Claude Code CLI, streams, interrupts, stops and pushes", async () => {
      state = await sdk.startContainer(config, {
        repoUrl: remote.url,
        cloneBranch: "main",
        pushBranch: "agent/conformance",
      });
      const client = sdk.createClient(state);

      const status = await client.status();
      expect(status).toMatchObject({ containerName: state.containerName, state: "idle", agent: "claude" });
      expect((await config.registry.find(state.containerName))?.stoppedAt).toBeNull();

      const events: JournalEvent[] = [];
      const streaming = (async () => {
        for await (const event of client.events()) events.push(event);
      })();

      model.push(
        {
          toolUses: [
            { name: "Bash", input: { command: "echo 'hello from the agent' > hello.txt", description: "write" } },
          ],
        },
        { text: "I wrote hello.txt" },
      );
      const first = await client.sendMessage("Create hello.txt");
      const done = await client.waitForMessage(first.id, { timeoutMs: 120_000 });
      expect(done).toMatchObject({ status: "done", result: "I wrote hello.txt" });
      await eventArrives(
        events,
        `message.done of ${first.id}`,
        (e) => e.kind === "message.done" && e.messageId === first.id,
      );
      expect(events.some((e) => hasText(e, "hello.txt") && e.messageId === first.id)).toBe(true);
      expect(events.map((e) => e.offset)).toEqual(events.map((_, i) => i));

      // A command that runs for a minute (Claude Code refuses a bare long `sleep` at once).
      model.push({
        toolUses: [{ name: "Bash", input: { command: WAIT_A_MINUTE, description: "think for a minute" } }],
      });
      const slow = await client.sendMessage("Think for a minute");
      // Interrupt only once the agent is inside the slow command: an earlier interrupt would test nothing.
      await eventArrives(
        events,
        "the agent running the minute-long command",
        (e) => e.messageId === slow.id && hasText(e, WAIT_A_MINUTE),
      );
      const modelCallsBefore = model.requests.filter((r) => r.scripted).length;
      await client.interrupt();
      expect(await client.waitForMessage(slow.id, { timeoutMs: 60_000 })).toMatchObject({ status: "interrupted" });
      // Had the command ended first, its result would have gone back to the model in one more call.
      expect(model.requests.filter((r) => r.scripted)).toHaveLength(modelCallsBefore);

      const stopped = await sdk.stopContainer(config, state, { timeoutMs: 120_000 });
      await streaming;
      // Everything was pushed after the first message; stopping pushes again only if there is something new.
      expect(stopped.pushed).not.toBe(false);
      expect(stopped.revision).toBe(git(remote.bare, "rev-parse", "agent/conformance"));
      expect(filesOnBranch(remote.bare, "agent/conformance")).toEqual(["README.md", "hello.txt"]);
      expect(events.at(-1)).toMatchObject({ kind: "container.state" });
      expect((await config.registry.find(state.containerName))?.stoppedAt).not.toBeNull();
      expect(await sdk.probeAlive(state, 1_000)).toBe(false);
    }, 900_000);
  });
}
