import { fileURLToPath } from "node:url";
import type { Logger } from "@app-building/server-edge/log";
import { readReleaseId } from "@app-building/types";
import type { AppDeps } from "./app.js";
import type { Containers } from "./containers.js";
import { CoreBackClient } from "./core-back.js";
import type { Config } from "./env.js";

/** Loads the SDK the first time a containers page needs it (it is not needed to start). */
function lazyContainers(registryPath: string): () => Promise<Containers> {
  let loading: Promise<Containers> | undefined;
  return () => {
    loading ??= import("@app-building/sdk").then((sdk) => ({
      registry: new sdk.FileContainerRegistry(registryPath),
      registryPath,
      createClient: sdk.createClient,
    }));
    return loading;
  };
}

/** Config → the console's dependencies: its core-back client, the containers it shows, its release. */
export function wireConsole(config: Config, logger: Logger): AppDeps {
  return {
    coreBack: new CoreBackClient({ baseUrl: config.coreBackUrl }),
    containers: lazyContainers(config.registryPath),
    logger,
    ownHostNames: config.ownHostNames,
    // The release this build belongs to: `release.json` at the root of the tree it runs from.
    release: readReleaseId(fileURLToPath(new URL("../../..", import.meta.url))),
  };
}
