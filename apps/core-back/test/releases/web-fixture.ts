import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

function write(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
}

// The web service's build: refuses a source holding "TYPE ERROR" the way tsc reports one,
// optionally takes its time, and copies the source to dist/main.js.
const BUILD = `
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
const source = readFileSync(new URL("./src/server.mjs", import.meta.url), "utf8");
const delay = Number(readFileSync(new URL("./delay-ms", import.meta.url), "utf8").trim() || "0");
await new Promise((resolve) => setTimeout(resolve, delay));
if (source.includes("TYPE ERROR")) {
  console.error("src/server.mjs(1,1): error TS2322: Type 'string' is not assignable to type 'number'.");
  process.exit(2);
}
mkdirSync(new URL("./dist", import.meta.url), { recursive: true });
writeFileSync(new URL("./dist/main.js", import.meta.url), source);
console.log("web built");
`;

/** The service's source: a server reporting its release, serving `version` on `/`; `before` runs first. */
export function webSource(version: string, options: { before?: string; listen?: string; after?: string } = {}): string {
  return `
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
${options.before ?? ""}
let release = null;
try { release = JSON.parse(readFileSync(new URL("../../../release.json", import.meta.url), "utf8")).id; } catch {}
const server = createServer((req, res) => {
  if (req.url === "/health") { res.setHeader("content-type", "application/json"); res.end(JSON.stringify({ ok: true, release })); return; }
  if (req.url === "/sign-in") { res.end("<form>sign in</form>"); return; }
  res.end(${JSON.stringify(version)});
});
${options.listen ?? "server.listen(Number(process.env.PORT), '127.0.0.1');"}
${options.after ?? ""}
`;
}

/** The hostile edits a self-edit can make to a service, each a source for `src/server.mjs`. */
export const HOSTILE_EDITS = {
  "a type error": `// TYPE ERROR\n${webSource("broken")}`,
  "throws at start": webSource("broken", { before: 'throw new Error("boom at start");' }),
  "listens on the wrong port": webSource("broken", {
    listen: "server.listen(Number(process.env.PORT) + 1, '127.0.0.1');",
  }),
  "exits after 3 s": webSource("broken", { after: "setTimeout(() => process.exit(4), 3000);" }),
  "throws after 1.5 s": webSource("broken", { after: 'setTimeout(() => { throw new Error("boom later"); }, 1500);' }),
  "hangs without listening": webSource("broken", { listen: "setInterval(() => {}, 1000);" }),
} as const;

/** A one-service turbo workspace (npm workspaces), a git repository with its sources. */
export interface WebWorkspace {
  dir: string;
  scopesFile: string;
  setSource(source: string): void;
  setBuildDelay(ms: number): void;
  remove(): void;
}

/** Creates the workspace: `@fx/web` in `apps/web`, scope `platform` restarting program `web`. */
export function createWebWorkspace(check: { startTimeoutMs: number; settleMs: number }): WebWorkspace {
  const dir = mkdtempSync(join(tmpdir(), "core-back-web-"));
  const npmVersion = execFileSync("npm", ["--version"], { encoding: "utf8" }).trim();
  const json = (path: string, value: unknown) => write(join(dir, path), `${JSON.stringify(value, null, 2)}\n`);
  json("package.json", { name: "fx", private: true, packageManager: `npm@${npmVersion}`, workspaces: ["apps/*"] });
  json("turbo.json", { tasks: { build: { outputs: ["dist/**"] } } });
  write(join(dir, ".gitignore"), "node_modules\n.turbo\ndist\n");
  json("apps/web/package.json", {
    name: "@fx/web",
    version: "0.0.0",
    private: true,
    type: "module",
    scripts: { build: "node build.mjs" },
  });
  write(join(dir, "apps/web/build.mjs"), BUILD);
  write(join(dir, "apps/web/delay-ms"), "0\n");
  write(join(dir, "apps/web/src/server.mjs"), webSource("v1"));
  // A workspace is installed before it deploys; this one has nothing to install.
  mkdirSync(join(dir, "node_modules"));
  const scope = { description: "the web service", filters: ["@fx/web"], restart: ["web"] };
  json("build-scopes.json", {
    scopes: { platform: scope, all: scope },
    services: { web: { healthPath: "/health", smokePaths: ["/sign-in"], ...check } },
  });
  execFileSync("git", ["init", "-q", dir]);
  return {
    dir,
    scopesFile: join(dir, "build-scopes.json"),
    setSource: (source) => write(join(dir, "apps/web/src/server.mjs"), source),
    setBuildDelay: (ms) => write(join(dir, "apps/web/delay-ms"), `${ms}\n`),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
