import { describe, expect, it } from "vitest";
import { resolve } from "node:path";
import { containersDir, defaultRegistryPath, defaultStateDir } from "./state-dir.js";

describe("defaultStateDir", () => {
  it("is APP_BUILDING_STATE_DIR when set, else under XDG_STATE_HOME, else under ~/.local/state", () => {
    expect(defaultStateDir({ APP_BUILDING_STATE_DIR: "/srv/agents", XDG_STATE_HOME: "/x", HOME: "/home/me" })).toBe(
      "/srv/agents",
    );
    expect(defaultStateDir({ XDG_STATE_HOME: "/x", HOME: "/home/me" })).toBe("/x/app-building");
    expect(defaultStateDir({ HOME: "/home/me" })).toBe("/home/me/.local/state/app-building");
  });

  it("ignores a relative or blank XDG_STATE_HOME, as the XDG spec says", () => {
    expect(defaultStateDir({ XDG_STATE_HOME: "state", HOME: "/home/me" })).toBe("/home/me/.local/state/app-building");
    expect(defaultStateDir({ XDG_STATE_HOME: " ", APP_BUILDING_STATE_DIR: "", HOME: "/home/me" })).toBe(
      "/home/me/.local/state/app-building",
    );
  });

  it("puts the registry in the state folder", () => {
    expect(defaultRegistryPath("/home/me/.local/state/app-building")).toBe(
      "/home/me/.local/state/app-building/registry.jsonl",
    );
  });

  it("keeps container folders at an absolute path, so the runtime started in one finds its data", () => {
    expect(containersDir("state")).toBe(resolve("state", "containers"));
    expect(containersDir("/srv/agents")).toBe("/srv/agents/containers");
  });
});
