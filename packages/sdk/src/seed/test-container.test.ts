import { chmod, mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { buildImage } from "../drivers/build-image.js";
import type { ContainerRegistry } from "../registry/registry.js";
import { spawnTestContainer } from "./test-container.js";

const registry = {} as ContainerRegistry;

describe("spawnTestContainer", () => {
  it("runs in projectRoot with the environment a container of this config gets (process driver)", async () => {
    const root = await mkdtemp(join(tmpdir(), "sdk-test-container-"));
    await spawnTestContainer(
      { projectRoot: root, driver: "process", registry, envVars: { FROM_VARS: "a" }, env: { FROM_ENV: "b" } },
      { command: ["sh", "-c", 'echo "$PWD $FROM_VARS $FROM_ENV" > seen.txt'] },
    );
    expect(await readFile(join(root, "seen.txt"), "utf8")).toBe(`${root} a b\n`);
  });

  it("fails with the exit code of the shell, and refuses a config without projectRoot or on fly", async () => {
    const root = await mkdtemp(join(tmpdir(), "sdk-test-container-"));
    await expect(
      spawnTestContainer({ projectRoot: root, driver: "process", registry }, { command: ["sh", "-c", "exit 4"] }),
    ).rejects.toMatchObject({ code: "start_failed", exitCode: 4 });
    await expect(spawnTestContainer({ driver: "process", registry })).rejects.toMatchObject({ code: "invalid_config" });
    await expect(spawnTestContainer({ projectRoot: root, driver: "fly", registry })).rejects.toMatchObject({
      code: "driver_unsupported",
    });
  });
});

describe("buildImage", () => {
  it("runs the build script for the configured image, and reports its failure", async () => {
    const root = await mkdtemp(join(tmpdir(), "sdk-build-image-"));
    const script = join(root, "build.sh");
    await writeFile(script, `echo "$1 $IMAGE_REF" > "${join(root, "built.txt")}"\n[ "$1" != bad:image ]\n`);
    await chmod(script, 0o755);
    buildImage({ registry, imageRef: "acme/runtime:dev", docker: { buildScript: script } });
    expect(await readFile(join(root, "built.txt"), "utf8")).toBe("acme/runtime:dev acme/runtime:dev\n");
    expect(() => buildImage({ registry, imageRef: "bad:image", docker: { buildScript: script } })).toThrow(
      expect.objectContaining({ code: "start_failed", exitCode: 1 }),
    );
    expect(() => buildImage({ registry, projectRoot: root })).toThrow(
      expect.objectContaining({ code: "image_build_unavailable" }),
    );
  });
});
