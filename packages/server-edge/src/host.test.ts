import { describe, expect, it } from "vitest";
import { isAllowedHost, parseHost } from "./host.js";

describe("the Host rule", () => {
  it.each([
    "127.0.0.1",
    "127.0.0.1:4000",
    "127.5.6.7:1",
    "[::1]",
    "[::1]:4001",
    "[::ffff:127.0.0.1]:80",
    "localhost",
    "LOCALHOST:4000",
    "localhost.:4000",
  ])("accepts %s", (host) => {
    expect(isAllowedHost(host)).toBe(true);
  });

  it.each([
    undefined,
    "",
    "rebind.attacker.example",
    "rebind.attacker.example:4000",
    "127.0.0.1.nip.io",
    "localhost.attacker.example",
    "evil",
    "10.0.0.1:4000",
    "[::2]",
    "127.0.0.1:4000@evil",
    "127.0.0.1 evil",
    "::1",
  ])("refuses %j", (host) => {
    expect(isAllowedHost(host)).toBe(false);
  });

  it("accepts the server's own names with any port", () => {
    expect(isAllowedHost("Agent-1.fly.dev", ["agent-1.fly.dev"])).toBe(true);
    expect(isAllowedHost("agent-1.fly.dev:443", ["agent-1.fly.dev"])).toBe(true);
    expect(isAllowedHost("agent-2.fly.dev", ["agent-1.fly.dev"])).toBe(false);
  });

  it("splits a host into its name and port", () => {
    expect(parseHost("[::1]:4000")).toEqual({ name: "::1", port: "4000" });
    expect(parseHost("Example.COM")).toEqual({ name: "example.com", port: undefined });
  });
});
