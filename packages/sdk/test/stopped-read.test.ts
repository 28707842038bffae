import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { git, seedBareRepo } from "@app-building/testkit";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createProject, type Project } from "./helpers/project.js";

describe("reading a container that has exited, through the SDK", () => {
  let project: Project;
  beforeEach(async () => {
    project = await createProject();
  });
  afterEach(async () => {
    await project.cleanup();
  });

  it("reads its journal read-only: events, logs, the last message, and its final revision and push", async () => {
    const bare = seedBareRepo(mkdtempSync(join(tmpdir(), "sdk-read-remote-")));
    const { sdk, config } = project;
    const state = await project.start(
      { agent: "command", envVars: { AGENT_COMMAND: 'echo "$1" > note.txt; echo "noted: $1"' } },
      { repoUrl: bare, cloneBranch: "main", pushBranch: "agent/read" },
    );
    const client = sdk.createClient(state);
    const { id } = await client.sendMessage("remember this");
    await client.waitForMessage(id);
    // The message's own push took the work; the stop had nothing left to push.
    const stop = await sdk.stopContainer(config, state);
    expect(stop.pushed).toBeNull();
    const entry = (await config.registry.find(state.containerName))!;
    expect(await sdk.isContainerGone(entry)).toBe(true);

    const stopped = await sdk.readStoppedContainer(entry, { stateDir: config.stateDir });

    expect(stopped).toMatchObject({
      containerName: state.containerName,
      state: "stopped",
      source: "journal",
      revision: git(bare, "rev-parse", "agent/read"),
      pushBranch: "agent/read",
      pushed: true,
      pushError: null,
      stoppedCleanly: true,
    });
    expect(stopped.lastMessage).toMatchObject({ id, status: "done", result: "noted: remember this" });
    const journal = (await sdk.openStoppedJournal(entry))!;
    try {
      const kinds = [...journal.events()].map((event) => event.kind);
      expect(kinds).toEqual(expect.arrayContaining(["message.done", "git.pushed"]));
      expect(kinds.at(-1)).toBe("container.state");
      const lines = [...journal.logs()];
      expect(lines.map((line) => line.offset)).toEqual(lines.map((_, i) => i));
      expect([...journal.events(kinds.length - 1)]).toHaveLength(1);
      expect(journal.message(id)?.result).toBe("noted: remember this");
    } finally {
      journal.close();
    }
    // The registry kept the same outcome at stop (all a Fly container leaves).
    expect(entry.outcome).toMatchObject({ revision: stopped.revision, pushBranch: "agent/read" });
  });
});
