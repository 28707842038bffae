import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chmod, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { cliEntry } from "./helpers/paths.js";
import { createProject, type Project } from "./helpers/project.js";

const exec = promisify(execFile);
const CLI = cliEntry();

/** An image name no engine has: nothing is ever tagged with it. */
function missingImage(): string {
  return `app-building/not-here:${randomBytes(6).toString("hex")}`;
}

describe("the default driver, with a real Docker Engine answering", () => {
  let project: Project;
  /** A real (empty) image made for these tests, so that one image is surely present. */
  const presentImage = `app-building/driver-choice:${randomBytes(6).toString("hex")}`;
  beforeAll(async () => {
    await exec("docker", ["info", "--format", "{{.ServerVersion}}"]);
    await exec("sh", ["-c", `tar cf - --files-from /dev/null | docker import - ${presentImage}`]);
  });
  afterAll(async () => {
    await exec("docker", ["image", "rm", presentImage]).catch(() => undefined);
  });
  beforeEach(async () => {
    project = await createProject();
  });
  afterEach(async () => {
    for (const entry of await project.config.registry.getRecent(10))
      if (entry.pid !== undefined) project.started.push(entry);
    await project.cleanup();
  });

  /** The project's config without the driver the test helper pins. */
  function unpinned(overrides: Partial<typeof project.config> = {}) {
    const { driver: _pinned, ...config } = project.config;
    return { ...config, ...overrides };
  }

  it("is process when the engine answers but the image is not there", async () => {
    expect(await project.sdk.chooseDriver(unpinned({ imageRef: missingImage() }))).toBe("process");
  });

  it("is docker when the engine answers and the image is present", async () => {
    expect(await project.sdk.chooseDriver(unpinned({ imageRef: presentImage }))).toBe("docker");
  });

  it("is docker when a docker setting is given, image or not", async () => {
    expect(await project.sdk.chooseDriver(unpinned({ imageRef: missingImage(), docker: {} }))).toBe("docker");
  });

  it("is fly with a Fly token and app, and whatever config.driver says when set", async () => {
    expect(await project.sdk.chooseDriver(unpinned({ flyToken: "t", flyApp: "a", imageRef: presentImage }))).toBe(
      "fly",
    );
    expect(await project.sdk.chooseDriver(unpinned({ driver: "process", docker: {} }))).toBe("process");
  });

  it("lets `run -p` without --driver start a process container when the image is missing", async () => {
    const agent = join(project.root, "agent.sh");
    await writeFile(agent, '#!/bin/sh\necho "done: $1"\n');
    await chmod(agent, 0o755);
    const result = await exec(process.execPath, [CLI, "run", "-p", "hi", "--agent", "command", "--json"], {
      cwd: project.root,
      env: {
        ...process.env,
        AGENT_COMMAND: agent,
        APP_BUILDING_REGISTRY: join(project.root, ".container-registry.jsonl"),
        APP_BUILDING_STATE_DIR: join(project.root, "state"),
        CONTAINER_IMAGE_REF: missingImage(),
      },
    }).catch((error: { code: number; stdout: string; stderr: string }) => error);
    expect("code" in result ? result.code : 0, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ driver: "process", detached: true });
  });
});
