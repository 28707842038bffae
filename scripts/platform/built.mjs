// The workspace's build output, loaded when it is needed: the platform's scripts load
// before `npm start` builds, and `npm run stop` never builds.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

/** @import { PlatformSettings } from "./settings.mjs" */

/**
 * Imports a workspace package's build output at run time.
 *
 * @param {PlatformSettings} settings
 * @param {string} path relative to the checkout, e.g. `packages/sdk/dist/index.js`
 * @param {string} what what it is, for the error when it is not built
 * @returns {Promise<unknown>}
 */
export async function loadBuilt(settings, path, what) {
  const entry = join(settings.root, path);
  if (!existsSync(entry)) throw new Error(`${what} is not built (${entry} is missing): run npm start again`);
  return import(pathToFileURL(entry).href);
}
