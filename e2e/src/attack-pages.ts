import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/** One state-changing request an attacker page tries, by every means a page has. */
export interface AttackTarget {
  /** The absolute URL of the route (on 127.0.0.1). */
  url: string;
  method: "POST" | "PUT";
  /** The JSON body the route would take. */
  json: string;
  /** The same as form fields, for forms and url-encoded bodies. */
  fields: Record<string, string>;
}

/**
 * The attacker's page: against each target it tries fetch (no-cors with the cookies,
 * text/plain, url-encoded, multipart and JSON bodies; cors with JSON, which needs a
 * preflight), `sendBeacon`, forms of every enctype posted into hidden frames, and a GET
 * navigation. The page's title becomes `done <n>` once every attempt has settled.
 */
export function attackPage(targets: readonly AttackTarget[]): string {
  const script = `
const targets = ${JSON.stringify(targets)};
const settle = [];
const frameLoaded = (frame) => new Promise((resolve) => { frame.onload = resolve; setTimeout(resolve, 5000); });
for (const [i, t] of targets.entries()) {
  const urlencoded = new URLSearchParams(t.fields).toString();
  const multipart = new FormData();
  for (const [k, v] of Object.entries(t.fields)) multipart.append(k, v);
  const tries = [
    { mode: "no-cors", headers: { "content-type": "text/plain" }, body: t.json },
    { mode: "no-cors", body: t.json },
    { mode: "no-cors", headers: { "content-type": "application/x-www-form-urlencoded" }, body: urlencoded },
    { mode: "no-cors", body: multipart },
    { mode: "no-cors", headers: { "content-type": "application/json" }, body: t.json },
    { mode: "no-cors", body: new Blob([t.json], { type: "application/json" }) },
    { mode: "cors", headers: { "content-type": "application/json" }, body: t.json },
    { mode: "no-cors" },
  ];
  for (const init of tries) {
    settle.push(fetch(t.url, { method: t.method, credentials: "include", ...init }).then(() => "sent", (e) => String(e)));
  }
  try { navigator.sendBeacon(t.url, new Blob([t.json], { type: "text/plain" })); } catch {}
  for (const enctype of ["application/x-www-form-urlencoded", "multipart/form-data", "text/plain"]) {
    const frame = document.createElement("iframe");
    frame.name = "f" + i + enctype.replace(/\\W/g, "");
    document.body.appendChild(frame);
    const form = document.createElement("form");
    form.method = "POST";
    form.action = t.url;
    form.enctype = enctype;
    form.target = frame.name;
    const fields = enctype === "text/plain" ? { [t.json.slice(0, -1) + ',"x":"']: '"}' } : t.fields;
    for (const [k, v] of Object.entries(fields)) {
      const input = document.createElement("input");
      input.name = k;
      input.value = v;
      form.appendChild(input);
    }
    document.body.appendChild(form);
    settle.push(frameLoaded(frame));
    form.submit();
  }
  const nav = document.createElement("iframe");
  document.body.appendChild(nav);
  settle.push(frameLoaded(nav));
  nav.src = t.url;
}
Promise.allSettled(settle).then((all) => { document.title = "done " + all.length; });
`;
  return `<!doctype html><html><head><meta charset="utf-8"><title>attacking</title><link rel="icon" href="data:,"></head><body><script>${script}</script></body></html>`;
}

/** A page that, opened on a rebinding name, reads and writes its "own" origin with JSON. */
export function rebindingScript(paths: readonly { method: string; path: string; json?: string }[]): string {
  return `(async () => {
    const out = [];
    for (const p of ${JSON.stringify(paths)}) {
      const init = { method: p.method, headers: { "content-type": "application/json" } };
      if (p.json !== undefined) init.body = p.json;
      try { out.push((await fetch(p.path, init)).status); } catch (e) { out.push(String(e)); }
    }
    return out;
  })()`;
}

/** A server for attacker pages on 127.0.0.1 (any port: another port of the same "site"). */
export async function serveAttacker(page: () => string): Promise<{ url: string; close: () => Promise<void> }> {
  const server: Server = createServer((_request, response) => {
    response.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(page());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
