import { createClient, type ContainerClient } from "../client/client.js";
import { ConfigurationError, SDK_ERROR_CODES } from "../errors.js";
import { openRegistry } from "../registry/default.js";
import type { ContainerRegistry } from "../registry/registry.js";

/**
 * Options of {@link connect}.
 *
 * @example
 * ```ts
 * import { FileContainerRegistry, connect, type ConnectOptions } from "@app-building/sdk";
 * const options: ConnectOptions = { registry: new FileContainerRegistry("/srv/agents/registry.jsonl") };
 * const client = await connect("app-building-3f2a9c01d4", options);
 * ```
 */
export interface ConnectOptions {
  /** Where to look the container up (default: the registry the CLI uses too: `APP_BUILDING_REGISTRY`, else the state folder's, read together with an older `./.container-registry.jsonl`). */
  registry?: ContainerRegistry;
}

/**
 * A typed client for a container started earlier (by this program, another one, or the
 * CLI), found by name in the registry: the one-liner for talking to a running container.
 *
 * @throws {ConfigurationError} `unknown_container` when the registry has no such name.
 *
 * @example
 * ```ts
 * import { connect } from "@app-building/sdk";
 * const client = await connect("app-building-3f2a9c01d4");
 * const { id } = await client.sendMessage("Fix the failing test");
 * console.log((await client.waitForMessage(id)).result);
 * ```
 */
export async function connect(name: string, options: ConnectOptions = {}): Promise<ContainerClient> {
  const registry = options.registry ?? openRegistry();
  const entry = await registry.find(name);
  if (entry === null) {
    throw new ConfigurationError(
      `No container named ${JSON.stringify(name)} in the registry: \`app-building ls --all\` lists the known ones (or pass the registry it was started with).`,
      SDK_ERROR_CODES.unknownContainer,
    );
  }
  return createClient(entry);
}
