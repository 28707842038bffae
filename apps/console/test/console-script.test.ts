// public/console.js, run as a browser runs it, against a console stand-in on a real loopback
// socket that can go away and come back as supervisord's restart during a platform deploy
// does. This suite runs in Node: `FakeNode` and `FakeEventSource` stand in for the few DOM
// and EventSource calls the script makes; fetch, streams and sockets are real.
import { once } from "node:events";
import { readFileSync } from "node:fs";
import { createServer, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { runInNewContext } from "node:vm";
import { afterEach, describe, expect, it } from "vitest";

const SCRIPT = readFileSync(join(import.meta.dirname, "..", "public", "console.js"), "utf8");
const FOLLOW = "/deploys/d1/log/follow?from=3";

/** A stand-in for the DOM nodes console.js touches. */
class FakeNode {
  readonly children: FakeNode[] = [];
  parentNode: FakeNode | null = null;
  className = "";
  title = "";
  scrollTop = 0;
  readonly scrollHeight = 0;
  readonly clientHeight = 0;
  private ownText = "";
  private readonly attributes: Map<string, string>;

  constructor(
    readonly tagName = "",
    attributes: Record<string, string> = {},
  ) {
    this.attributes = new Map(Object.entries(attributes));
  }

  get textContent(): string {
    return this.ownText + this.children.map((child) => child.textContent).join("");
  }
  set textContent(text: string) {
    this.ownText = text;
    this.children.length = 0;
  }
  getAttribute(name: string): string | null {
    return this.attributes.get(name) ?? null;
  }
  setAttribute(name: string, value: string): void {
    this.attributes.set(name, value);
  }
  get firstChild(): FakeNode | null {
    return this.children[0] ?? null;
  }
  get nextSibling(): FakeNode | null {
    const siblings = this.parentNode?.children ?? [];
    return siblings[siblings.indexOf(this) + 1] ?? null;
  }
  appendChild(child: FakeNode): FakeNode {
    return this.insertBefore(child, null);
  }
  insertBefore(child: FakeNode, before: FakeNode | null): FakeNode {
    child.parentNode = this;
    const at = before === null ? -1 : this.children.indexOf(before);
    if (at < 0) this.children.push(child);
    else this.children.splice(at, 0, child);
    return child;
  }
  removeChild(child: FakeNode): FakeNode {
    this.children.splice(this.children.indexOf(child), 1);
    child.parentNode = null;
    return child;
  }
}

/** A stand-in for EventSource: the test says when the connection opens, drops or is refused. */
class FakeEventSource {
  static readonly CONNECTING = 0;
  static readonly OPEN = 1;
  static readonly CLOSED = 2;
  readyState = FakeEventSource.CONNECTING;
  onopen: (() => void) | null = null;
  onerror: (() => void) | null = null;
  onmessage: ((message: { data: string }) => void) | null = null;

  constructor(readonly url: string) {}
  addEventListener(): void {}
  close(): void {
    this.readyState = FakeEventSource.CLOSED;
  }
  /** The stream is live. */
  open(): void {
    this.readyState = FakeEventSource.OPEN;
    this.onopen?.();
  }
  /** The connection dropped: a browser reconnects by itself. */
  drop(): void {
    this.readyState = FakeEventSource.CONNECTING;
    this.onerror?.();
  }
  /** A reconnection was answered with something other than a stream: a browser gives up. */
  refuse(): void {
    this.readyState = FakeEventSource.CLOSED;
    this.onerror?.();
  }
}

/** A page of the console with console.js running on it, and what a user would see of it. */
interface ScriptedPage {
  /** The live-state line's text. */
  state(): string;
  /** The texts of the role="alert" messages the script added. */
  alerts(): string[];
  /** The live element's text (the deploy log). */
  live(): string;
  /** Where `location.replace` was asked to go. */
  reloads: string[];
  /** The event sources the script opened. */
  sources: FakeEventSource[];
}

function openPage(base: string, pathname: string, live: FakeNode): ScriptedPage {
  const body = new FakeNode("body");
  const state = new FakeNode("p", { "data-live-state": "" });
  state.textContent = "Following…";
  body.appendChild(state);
  body.appendChild(live);
  const reloads: string[] = [];
  const sources: FakeEventSource[] = [];
  const document = {
    readyState: "complete",
    body,
    querySelector(selector: string): FakeNode | null {
      const [, tag, attribute] = /^(\w*)\[([\w-]+)\]$/.exec(selector) ?? [];
      return (
        body.children.find((node) => (tag === "" || node.tagName === tag) && node.getAttribute(attribute!) !== null) ??
        null
      );
    },
    createElement: (tag: string) => new FakeNode(tag),
    createTextNode(text: string): FakeNode {
      const node = new FakeNode();
      node.textContent = text;
      return node;
    },
    addEventListener(): void {},
  };
  runInNewContext(SCRIPT, {
    window: { location: { pathname, replace: (to: string) => reloads.push(to) }, addEventListener(): void {} },
    document,
    // A browser resolves the page's relative URLs against the page: so does this fetch.
    fetch: (url: string, init?: RequestInit) => fetch(new URL(url, base), init),
    EventSource: class extends FakeEventSource {
      constructor(url: string) {
        super(url);
        sources.push(this);
      }
    },
    TextDecoder,
    setTimeout,
  });
  return {
    state: () => state.textContent,
    alerts: () => body.children.filter((node) => node.getAttribute("role") === "alert").map((node) => node.textContent),
    live: () => live.textContent,
    reloads,
    sources,
  };
}

/** Waits until `condition` holds; fails saying what it waited for after `withinMs` (a bound on a hang). */
async function until(what: string, condition: () => boolean, withinMs = 10_000): Promise<void> {
  const giveUp = Date.now() + withinMs;
  while (!condition()) {
    if (Date.now() > giveUp) throw new Error(`waited in vain for ${what}`);
    await sleep(10);
  }
}

/** The console's routes the script calls: `/health`, and a deploy log that `follow` writes. */
async function consoleStandIn(port: number, follow: (response: ServerResponse) => void): Promise<Server> {
  const server = createServer((request, response) => {
    if (request.url === "/health") response.writeHead(200, { "content-type": "application/json" }).end('{"ok":true}');
    else if (request.url === FOLLOW) follow(response);
    else response.writeHead(404).end();
  });
  server.listen(port, "127.0.0.1");
  await once(server, "listening");
  return server;
}

const servers: Server[] = [];
async function startStandIn(port: number, follow: (response: ServerResponse) => void = () => undefined) {
  const server = await consoleStandIn(port, follow);
  servers.push(server);
  return { server, port: (server.address() as AddressInfo).port };
}
/** What a console stopping on SIGTERM does: cut its live views, stop listening. */
async function stop(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise((done) => server.close(done));
}
afterEach(async () => {
  for (const server of servers.splice(0)) if (server.listening) await stop(server);
});

const followedLog = () => new FakeNode("pre", { "data-follow-url": FOLLOW });

describe("console.js on a running deploy's page", () => {
  it("says the console is restarting when the live log is cut, then reloads the page once it answers, with no alert", async () => {
    const { server, port } = await startStandIn(0, (response) => {
      response.writeHead(200, { "content-type": "text/plain; charset=utf-8" }).write("building...\n");
    });
    const page = openPage(`http://127.0.0.1:${port}`, "/deploys/d1", followedLog());
    await until("the first log line", () => page.live().includes("building..."));

    await stop(server);
    await until("the restarting notice", () => /the console is restarting/i.test(page.state()));
    expect(page.reloads).toEqual([]);
    expect(page.alerts()).toEqual([]);

    await startStandIn(port);
    await until("a reload", () => page.reloads.length > 0);
    expect(page.reloads).toEqual(["/deploys/d1"]);
    expect(page.alerts()).toEqual([]);
  });

  it("reloads the page to show the final status once the deploy ended", async () => {
    const { port } = await startStandIn(0, (response) => {
      response.writeHead(200, { "content-type": "text/plain; charset=utf-8" }).end("build done\ndeploy d1 ended: ok\n");
    });
    const page = openPage(`http://127.0.0.1:${port}`, "/deploys/d1", followedLog());
    await until("a reload", () => page.reloads.length > 0);
    expect(page.live()).toContain("deploy d1 ended: ok");
    expect(page.state()).toMatch(/The deploy ended/);
    expect(page.reloads).toEqual(["/deploys/d1"]);
    expect(page.alerts()).toEqual([]);
  });

  it("says the live log stopped when the console refuses to stream it", async () => {
    const { port } = await startStandIn(0, (response) => response.writeHead(404).end());
    const page = openPage(`http://127.0.0.1:${port}`, "/deploys/d1", followedLog());
    await until("an alert", () => page.alerts().length > 0);
    expect(page.alerts()).toEqual([
      "The live log stopped (the console answered 404): reload the page to follow it again.",
    ]);
    expect(page.reloads).toEqual([]);
  });
});

describe("console.js on a container's page", () => {
  const events = () => new FakeNode("ol", { "data-events-url": "/containers/c1/events?offset=5" });

  it("says it reconnects when the event stream drops, and shows no error", async () => {
    const { port } = await startStandIn(0);
    const page = openPage(`http://127.0.0.1:${port}`, "/containers/c1", events());
    const [source] = page.sources;
    source!.open();
    source!.drop();
    expect(page.state()).toMatch(/Reconnecting/);
    source!.open();
    expect(page.state()).toMatch(/^Live/);
    expect(page.alerts()).toEqual([]);
  });

  it("reloads the page once the console answers when a live event stream is refused, with no alert", async () => {
    const { server, port } = await startStandIn(0);
    await stop(server);
    const page = openPage(`http://127.0.0.1:${port}`, "/containers/c1", events());
    const [source] = page.sources;
    source!.open();
    source!.refuse();
    await until("the restarting notice", () => /the console is restarting/i.test(page.state()));
    expect(page.alerts()).toEqual([]);

    await startStandIn(port);
    await until("a reload", () => page.reloads.length > 0);
    expect(page.reloads).toEqual(["/containers/c1"]);
    expect(page.alerts()).toEqual([]);
  });

  it("says the event stream closed when it is refused before it was ever live", async () => {
    const { port } = await startStandIn(0);
    const page = openPage(`http://127.0.0.1:${port}`, "/containers/c1", events());
    page.sources[0]!.refuse();
    expect(page.alerts()).toEqual(["The event stream closed: reload the page to follow the events again."]);
    expect(page.reloads).toEqual([]);
  });
});
