import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";

/** A Markdown link that points at nothing. */
export interface BrokenLink {
  /** The Markdown file, relative to the root that was checked. */
  file: string;
  line: number;
  target: string;
  reason: string;
}

const SKIPPED_DIRS = new Set(["node_modules", ".git", "dist", ".turbo", ".tools", ".data", "coverage"]);

/** Every `.md` file under `root`, skipping dependency and build folders. */
export function markdownFiles(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir)) {
      if (SKIPPED_DIRS.has(entry)) continue;
      const path = join(dir, entry);
      if (statSync(path).isDirectory()) walk(path);
      else if (entry.endsWith(".md")) out.push(path);
    }
  };
  walk(root);
  return out.sort();
}

/** GitHub's heading anchor: lowercase, punctuation dropped, spaces to hyphens. */
export function headingAnchor(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/`/g, "")
    .replace(/[^\p{L}\p{N}\s_-]/gu, "")
    .replace(/\s/g, "-");
}

function anchorsOf(text: string): Set<string> {
  const anchors = new Set<string>();
  let inFence = false;
  for (const line of text.split("\n")) {
    if (/^\s*```/.test(line)) inFence = !inFence;
    const heading = inFence ? null : /^#{1,6}\s+(.*)$/.exec(line);
    if (heading?.[1] !== undefined) anchors.add(headingAnchor(heading[1]));
  }
  return anchors;
}

/**
 * Checks every relative link `[text](target)` in one Markdown file: the file must exist,
 * and a `#anchor` must name a heading of the file it points into. External links
 * (`http:`, `https:`, `mailto:`) are not followed.
 */
export function checkFile(file: string, root: string): BrokenLink[] {
  const text = readFileSync(file, "utf8");
  const broken: BrokenLink[] = [];
  let inFence = false;
  text.split("\n").forEach((line, index) => {
    if (/^\s*```/.test(line)) inFence = !inFence;
    if (inFence) return;
    for (const match of line.matchAll(/\[[^\]]*\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)) {
      const target = match[1] ?? "";
      if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue;
      const [pathPart = "", anchor] = target.split("#", 2);
      const resolved = pathPart === "" ? file : resolve(dirname(file), decodeURIComponent(pathPart));
      const where = { file: relative(root, file), line: index + 1, target };
      if (!existsSync(resolved)) {
        broken.push({ ...where, reason: "no such file" });
        continue;
      }
      if (anchor !== undefined && anchor !== "" && resolved.endsWith(".md")) {
        if (!anchorsOf(readFileSync(resolved, "utf8")).has(anchor)) {
          broken.push({ ...where, reason: `no heading #${anchor}` });
        }
      }
    }
  });
  return broken;
}

/** Every broken relative link in the Markdown files under `root`. */
export function checkLinks(root: string): BrokenLink[] {
  return markdownFiles(root).flatMap((file) => checkFile(file, root));
}
