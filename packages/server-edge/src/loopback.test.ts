import { describe, expect, it } from "vitest";
import { normalizeHeaders } from "./headers.js";
import { checkLocal, FORWARDING_HEADERS, isLoopbackAddress } from "./loopback.js";

/** Every spelling of a loopback peer a socket (or a test) can report. */
export const LOOPBACK_ADDRESSES = [
  "127.0.0.1",
  "127.0.0.2",
  "127.1.2.3",
  "127.255.255.254",
  "::1",
  "0:0:0:0:0:0:0:1",
  "0000:0000:0000:0000:0000:0000:0000:0001",
  "::ffff:127.0.0.1",
  "::FFFF:127.0.0.1",
  "::ffff:127.9.9.9",
  "::ffff:7f00:1",
  "[::1]",
];

/** Addresses that look close to loopback and are not. */
export const REMOTE_ADDRESSES = [
  "",
  "128.0.0.1",
  "126.255.255.255",
  "10.0.0.1",
  "192.168.1.1",
  "0.0.0.0",
  "::",
  "::2",
  "::ffff:10.0.0.1",
  "::ffff:128.0.0.1",
  "fe80::1",
  "fe80::1%lo",
  "127.0.0.1.evil.example",
  "127.0.0.256",
  "127.0.0",
  "localhost",
  "0x7f.0.0.1",
  "2130706433",
];

describe("the loopback address judgement", () => {
  it.each(LOOPBACK_ADDRESSES)("counts %s as loopback", (address) => {
    expect(isLoopbackAddress(address)).toBe(true);
  });
  it.each(REMOTE_ADDRESSES)("does not count %j as loopback", (address) => {
    expect(isLoopbackAddress(address)).toBe(false);
  });
  it("does not count a missing address", () => {
    expect(isLoopbackAddress(undefined)).toBe(false);
  });
});

describe("a local request", () => {
  it("is a loopback peer without forwarding headers", () => {
    expect(checkLocal("127.0.0.1", normalizeHeaders({ host: "127.0.0.1:4000", "user-agent": "curl" }))).toEqual({
      local: true,
    });
  });

  it("is never a remote peer, even without headers", () => {
    expect(checkLocal("10.0.0.1", normalizeHeaders({}))).toEqual({ local: false, reason: "remote_peer" });
  });

  const cases = FORWARDING_HEADERS.flatMap((name) => [
    name,
    name.toUpperCase(),
    name.replace(/(^|-)([a-z])/g, (_m: string, dash: string, letter: string) => dash + letter.toUpperCase()),
  ]);
  it.each(cases)("is not one that carries %s", (name) => {
    for (const address of LOOPBACK_ADDRESSES) {
      expect(checkLocal(address, normalizeHeaders({ [name]: "127.0.0.1" }))).toMatchObject({
        local: false,
        reason: "proxied",
        header: name.toLowerCase(),
      });
      const fetchHeaders = new Headers({ [name]: "" });
      expect(checkLocal(address, normalizeHeaders(fetchHeaders)).local).toBe(false);
    }
  });

  it("is not one with any X-Forwarded- header, listed or not", () => {
    expect(checkLocal("::1", normalizeHeaders({ "X-Forwarded-Anything": "x" }))).toMatchObject({ local: false });
  });

  it("names the classic and the CDN headers in its one list", () => {
    for (const name of ["forwarded", "via", "x-forwarded-for", "x-forwarded-proto", "x-real-ip", "fly-client-ip"]) {
      expect(FORWARDING_HEADERS).toContain(name);
    }
    for (const name of ["x-client-ip", "true-client-ip", "cf-connecting-ip", "x-forwarded-host"]) {
      expect(FORWARDING_HEADERS).toContain(name);
    }
  });
});
