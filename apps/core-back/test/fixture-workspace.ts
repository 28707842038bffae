import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root (for its turbo and typescript binaries). */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
/** The repository's turbo binary. */
export const TURBO_BIN = join(REPO_ROOT, "node_modules", ".bin", "turbo");
const TSC = join(REPO_ROOT, "node_modules", "typescript", "bin", "tsc");

function write(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
}

function json(path: string, value: unknown): void {
  write(path, `${JSON.stringify(value, null, 2)}\n`);
}

const TSCONFIG = {
  compilerOptions: {
    outDir: "dist",
    rootDir: "src",
    strict: true,
    module: "NodeNext",
    target: "ES2022",
    skipLibCheck: true,
    types: [],
  },
  include: ["src"],
};

// The slow package's build: a child that sleeps (so a cancelled build has a tree to kill),
// recording when it started and its pids. When the 'stubborn' file exists both ignore
// SIGINT and SIGTERM (turbo stops its tasks with SIGINT), so only SIGKILL ends them.
const SLOW_BUILD = `
import { spawn } from "node:child_process";
import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
const delay = Number(readFileSync(new URL("./delay-ms", import.meta.url), "utf8").trim() || "0");
const stubborn = existsSync(new URL("./stubborn", import.meta.url));
const ignore = "for (const s of ['SIGINT', 'SIGTERM']) process.on(s, () => {}); ";
if (stubborn) for (const s of ["SIGINT", "SIGTERM"]) process.on(s, () => {});
const runs = new URL("../../slow-runs.log", import.meta.url);
const child = spawn(process.execPath, ["-e", (stubborn ? ignore : "") + "setTimeout(() => {}, " + delay + ")"], { stdio: "inherit" });
appendFileSync(runs, JSON.stringify({ startedAt: Date.now(), pid: process.pid, childPid: child.pid }) + "\\n");
child.on("exit", (code) => {
  mkdirSync(new URL("./dist", import.meta.url), { recursive: true });
  writeFileSync(new URL("./dist/done.txt", import.meta.url), String(Date.now()));
  console.log("slow build done after " + delay + " ms");
  process.exit(code ?? 1);
});
`;

const APP_BUILD = `
import { mkdirSync, writeFileSync } from "node:fs";
mkdirSync(new URL("./dist", import.meta.url), { recursive: true });
writeFileSync(new URL("./dist/main.js", import.meta.url), "export {};\\n");
console.log("app built");
`;

/** A small turbo workspace on disk, to build for real. */
export interface FixtureWorkspace {
  dir: string;
  /** Its build-scope definition file. */
  scopesFile: string;
  /** Makes `@fx/lib` fail to compile with a TS2322 at `src/index.ts(2,14)`. */
  breakLib(): void;
  /** Makes `@fx/lib` compile again (with a fresh value, so turbo rebuilds it). */
  fixLib(value?: number): void;
  /** How long the slow package's build sleeps. */
  setSlowDelay(ms: number): void;
  /** Makes the slow build and its child ignore SIGINT and SIGTERM (only SIGKILL stops them). */
  setSlowStubborn(stubborn: boolean): void;
  /** Every run of the slow build so far. */
  slowRuns(): { startedAt: number; pid: number; childPid: number }[];
  remove(): void;
}

/**
 * Creates the fixture: npm workspaces `@fx/good` and `@fx/lib` (compiled by tsc),
 * `@fx/slow` (sleeps, never cached), `@fx/app` (depends on the three) and `@fx/extra`
 * (only in scope `all`). Scope `platform` = `@fx/app...`, scope `all` = `@fx/*`.
 */
export function createFixtureWorkspace(
  restart: { platform: string[]; all: string[] } = { platform: [], all: [] },
): FixtureWorkspace {
  const dir = mkdtempSync(join(tmpdir(), "core-back-fx-"));
  const npmVersion = execFileSync("npm", ["--version"], { encoding: "utf8" }).trim();
  json(join(dir, "package.json"), {
    name: "fx",
    private: true,
    packageManager: `npm@${npmVersion}`,
    workspaces: ["packages/*", "apps/*"],
  });
  json(join(dir, "turbo.json"), {
    $schema: "https://turborepo.com/schema.json",
    tasks: {
      build: { dependsOn: ["^build"], outputs: ["dist/**"] },
      "@fx/slow#build": { dependsOn: ["^build"], outputs: ["dist/**"], cache: false },
    },
  });
  write(join(dir, ".gitignore"), "node_modules\n.turbo\ndist\n");
  for (const name of ["good", "lib", "extra"]) {
    json(join(dir, "packages", name, "package.json"), {
      name: `@fx/${name}`,
      version: "0.0.0",
      private: true,
      type: "module",
      scripts: { build: `node ${TSC} -p .` },
    });
    json(join(dir, "packages", name, "tsconfig.json"), TSCONFIG);
    write(join(dir, "packages", name, "src", "index.ts"), `export const ${name} = 1;\n`);
  }
  json(join(dir, "packages", "slow", "package.json"), {
    name: "@fx/slow",
    version: "0.0.0",
    private: true,
    type: "module",
    scripts: { build: "node build.mjs" },
  });
  write(join(dir, "packages", "slow", "build.mjs"), SLOW_BUILD);
  write(join(dir, "packages", "slow", "delay-ms"), "0\n");
  json(join(dir, "apps", "app", "package.json"), {
    name: "@fx/app",
    version: "0.0.0",
    private: true,
    type: "module",
    dependencies: { "@fx/good": "*", "@fx/lib": "*", "@fx/slow": "*" },
    scripts: { build: "node build.mjs" },
  });
  write(join(dir, "apps", "app", "build.mjs"), APP_BUILD);
  const scopesFile = join(dir, "build-scopes.json");
  json(scopesFile, {
    scopes: {
      platform: {
        description: "the fixture app and what it needs",
        filters: ["@fx/app..."],
        restart: restart.platform,
      },
      all: { description: "every fixture package", filters: ["@fx/*"], restart: restart.all },
    },
    services: Object.fromEntries([...new Set([...restart.platform, ...restart.all])].map((name) => [name, {}])),
  });
  execFileSync("git", ["init", "-q", dir]);
  const lib = join(dir, "packages", "lib", "src", "index.ts");
  return {
    dir,
    scopesFile,
    breakLib: () => write(lib, `// broken on purpose\nexport const lib: number = "not a number";\n`),
    fixLib: (value = Date.now()) => write(lib, `export const lib: number = ${value};\n`),
    setSlowDelay: (ms) => write(join(dir, "packages", "slow", "delay-ms"), `${ms}\n`),
    setSlowStubborn: (stubborn) => {
      const flag = join(dir, "packages", "slow", "stubborn");
      if (stubborn) write(flag, "1\n");
      else rmSync(flag, { force: true });
    },
    slowRuns: () => {
      try {
        return readFileSync(join(dir, "slow-runs.log"), "utf8")
          .split("\n")
          .filter((line) => line !== "")
          .map((line) => JSON.parse(line) as { startedAt: number; pid: number; childPid: number });
      } catch {
        return [];
      }
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** Whether a process exists (and is not a zombie). */
export function processAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2)[0] !== "Z";
  } catch {
    return false;
  }
}

/**
 * The live processes whose session id is `sid`, with their command lines: read from /proc
 * here rather than through the code under test.
 */
export function sessionProcesses(sid: number): { pid: number; cmdline: string }[] {
  const found: { pid: number; cmdline: string }[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (fields[0] === "Z" || Number(fields[3]) !== sid) continue;
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, "utf8").replace(/\0/g, " ").trim();
      found.push({ pid: Number(entry), cmdline });
    } catch {
      // gone meanwhile
    }
  }
  return found;
}
