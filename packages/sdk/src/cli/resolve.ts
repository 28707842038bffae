import type { ContainerRegistry, RegistryEntry } from "../registry/registry.js";
import { ConfigurationError, SDK_ERROR_CODES } from "../errors.js";
import type { AgentState } from "../state.js";

/** The registry entry of a container named on the command line (stopped mark included), or an error that says how to find one. */
export async function findContainer(registry: ContainerRegistry, name: string): Promise<RegistryEntry> {
  const entry = await registry.find(name);
  if (entry === null) {
    throw new ConfigurationError(
      `No container named ${JSON.stringify(name)} in this registry: \`app-building ls --all\` lists the known ones (or set APP_BUILDING_REGISTRY).`,
      SDK_ERROR_CODES.unknownContainer,
    );
  }
  return entry;
}

/** The state of a container named on the command line, or an error that says how to find one. */
export async function resolveContainer(registry: ContainerRegistry, name: string): Promise<AgentState> {
  const { stoppedAt: _stoppedAt, outcome: _outcome, ...state } = await findContainer(registry, name);
  return state;
}
