import { createServer } from "node:net";
import { waitForHttp as productWaitForHttp } from "@app-building/types/wait-for-http";
import { describe, expect, it } from "vitest";
import { freePort, waitForHttp } from "./net.js";

describe("freePort", () => {
  it("gives a loopback port that can be bound at once", async () => {
    const port = await freePort();
    expect(port).toBeGreaterThan(0);
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, "127.0.0.1", resolve);
    });
    await new Promise((resolve) => server.close(resolve));
  });
});

describe("waitForHttp", () => {
  it("is the product's own wait, not a second copy", () => {
    expect(waitForHttp).toBe(productWaitForHttp);
  });
});
