import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startFlyMachinesStandIn, type FlyMachinesStandIn } from "./fly-machines-standin.js";
import { createProject, ECHO_AGENT, type Project } from "./helpers/project.js";

describe("the fly driver against a local Fly Machines API stand-in", () => {
  let project: Project;
  let fly: FlyMachinesStandIn;
  beforeEach(async () => {
    project = await createProject({ ...ECHO_AGENT, driver: undefined });
    fly = await startFlyMachinesStandIn({ runtimeEntry: project.sdk.resolveRuntimeEntry() });
    project.config.flyToken = fly.token;
    project.config.flyApp = "agents";
    project.config.fly = { apiBaseUrl: fly.apiBaseUrl, appBaseUrl: fly.appBaseUrl, regions: ["ord", "iad"] };
  });
  afterEach(async () => {
    await fly.close();
    await project.cleanup();
  });

  it("is chosen when a Fly token and app are set, and reaches its own machine among others", async () => {
    expect(await project.sdk.chooseDriver(project.config)).toBe("fly");
    const a = await project.start();
    const b = await project.start();
    expect(a).toMatchObject({ type: "remote", driver: "fly", flyApp: "agents", baseUrl: fly.appBaseUrl });
    expect(a.flyMachineId).not.toBe(b.flyMachineId);
    for (const state of [a, b]) {
      expect((await project.sdk.createClient(state).status()).containerName).toBe(state.containerName);
    }
    const listed = await project.sdk.listMachines("agents", fly.token, { apiBaseUrl: fly.apiBaseUrl });
    expect(listed.map((m) => m.id).sort()).toEqual([a.flyMachineId, b.flyMachineId].sort());
    expect(listed.every((m) => m.state === "started")).toBe(true);
  });

  it("sends a message through the app URL and destroys the machine on stop", async () => {
    const state = await project.start();
    const client = project.sdk.createClient(state);
    const { id } = await client.sendMessage("over fly");
    expect((await client.waitForMessage(id, { timeoutMs: 30_000 })).result).toContain("over fly");
    await project.sdk.stopRemoteContainer(project.config, state, { timeoutMs: 30_000 });
    expect(fly.machines.get(state.flyMachineId!)?.state).toBe("destroyed");
    const entry = (await project.config.registry.find(state.containerName))!;
    expect(entry.stoppedAt).not.toBeNull();
    // Its journal went with the machine: what the registry kept at stop is what stays readable.
    const stopped = await project.sdk.readStoppedContainer(entry);
    expect(stopped).toMatchObject({ state: "stopped", source: "registry", driver: "fly", stoppedCleanly: true });
    expect(stopped.lastMessage).toMatchObject({ id, status: "done" });
    expect(stopped.lastMessage?.result).toContain("over fly");
  });

  it("tries the next region when one has no capacity", async () => {
    fly.noCapacityIn("ord");
    const state = await project.start();
    expect(fly.machines.get(state.flyMachineId!)?.region).toBe("iad");
  });

  it("retries transient MANIFEST_UNKNOWN and 5xx answers with backoff", async () => {
    fly.failNextCreates(1, 422, { error: "failed to get manifest: MANIFEST_UNKNOWN: manifest unknown" });
    fly.failNextCreates(1, 503, { error: "service unavailable" });
    const state = await project.start();
    expect(fly.requests.filter((r) => r === "POST /v1/apps/agents/machines")).toHaveLength(3);
    expect((await project.sdk.createClient(state).status()).containerName).toBe(state.containerName);
  });

  it("destroys a machine that never gets ready and says so", async () => {
    fly.nextMachineNeverAnswers();
    await expect(
      project.sdk.startContainer(
        project.config,
        { repoUrl: "", cloneBranch: "", pushBranch: "" },
        { readyTimeoutMs: 1_500 },
      ),
    ).rejects.toThrow(/did not answer.*destroyed/s);
    expect(fly.machines.size).toBe(1);
    expect([...fly.machines.values()][0]!.state).toBe("destroyed");
    expect(await project.config.registry.getRecent()).toEqual([]);
  });

  it("fails with what to do when the token is wrong", async () => {
    await expect(project.start({ flyToken: "wrong" })).rejects.toBeInstanceOf(project.sdk.AuthenticationError);
  });
});
