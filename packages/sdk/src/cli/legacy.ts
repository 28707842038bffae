import { FileContainerRegistry } from "../registry/file-registry.js";
import { moveLegacyRegistry } from "../registry/legacy.js";
import type { CliEnvironment } from "./context.js";

/**
 * Moves the registry an older CLI left in the current directory into the state folder
 * (unless `APP_BUILDING_REGISTRY` names one), and says so once on stderr.
 */
export async function moveLegacyState(cli: CliEnvironment): Promise<void> {
  if (cli.registryChosen) return;
  const moved = await moveLegacyRegistry(cli.cwd, new FileContainerRegistry(cli.registryPath));
  if (moved === null) return;
  process.stderr.write(
    `app-building: moved the container registry (${moved.moved} container(s)) from ${moved.from} to ${moved.to}: it holds bearer tokens and does not belong in a project\n`,
  );
}
