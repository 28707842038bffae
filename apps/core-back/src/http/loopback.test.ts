import { describe, expect, it } from "vitest";
import { checkLocalRequest, isLoopbackAddress } from "./loopback.js";

describe("isLoopbackAddress", () => {
  it("accepts IPv4 loopback, IPv6 loopback and IPv4-mapped loopback", () => {
    for (const address of ["127.0.0.1", "127.1.2.3", "::1", "::ffff:127.0.0.1", "::FFFF:127.0.0.1"]) {
      expect(isLoopbackAddress(address), address).toBe(true);
    }
  });

  it("refuses every other address, including look-alikes", () => {
    const others = [
      undefined,
      "",
      "10.0.0.1",
      "192.168.1.1",
      "::ffff:10.0.0.1",
      "128.0.0.1",
      "127.0.0.256",
      "127.0.0",
      "::2",
      "fe80::1",
    ];
    for (const address of others) {
      expect(isLoopbackAddress(address), String(address)).toBe(false);
    }
  });
});

describe("checkLocalRequest", () => {
  it("treats a direct loopback peer as local", () => {
    expect(checkLocalRequest("127.0.0.1", { host: "localhost:4000" })).toEqual({ local: true });
  });

  it("treats a loopback peer that carries proxy headers as not local", () => {
    for (const header of ["x-forwarded-for", "forwarded", "x-real-ip"]) {
      expect(checkLocalRequest("127.0.0.1", { [header]: "127.0.0.1" }), header).toEqual({
        local: false,
        reason: "proxied",
      });
    }
  });

  it("treats a remote peer as not local whatever its headers say", () => {
    expect(checkLocalRequest("203.0.113.9", {})).toEqual({ local: false, reason: "remote_peer" });
  });
});
