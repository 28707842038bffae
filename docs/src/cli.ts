import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { checkLinks } from "./links.js";

const root = resolve(process.argv[2] ?? fileURLToPath(new URL("../..", import.meta.url)));
const broken = checkLinks(root);
for (const link of broken) console.error(`${link.file}:${link.line}: ${link.target}: ${link.reason}`);
console.log(
  broken.length === 0 ? `docs: every relative link under ${root} resolves` : `docs: ${broken.length} broken links`,
);
process.exitCode = broken.length === 0 ? 0 : 1;
