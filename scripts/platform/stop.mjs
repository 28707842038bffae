// `npm run stop`: the platform's agent container, then supervisord and its services.
import { stopAgent } from "./agent.mjs";
import { supervisorctl, supervisordAnswers } from "./supervisor.mjs";
import { setTimeout as sleep } from "node:timers/promises";

/** @import { PlatformSettings } from "./settings.mjs" */

/**
 * @param {PlatformSettings} settings
 * @param {{ say: (message: string) => void }} options
 */
export async function stopPlatform(settings, { say }) {
  const agent = await stopAgent(settings).catch((/** @type {unknown} */ error) => {
    say(`stopping the agent container failed: ${error instanceof Error ? error.message : String(error)}`);
    return null;
  });
  if (agent !== null) say(`stopped the agent container ${agent}`);
  if (!supervisordAnswers(settings)) {
    say(`supervisord is not running for ${settings.dataDir}: nothing else to stop`);
    return;
  }
  const { status, output } = supervisorctl(settings, ["shutdown"]);
  if (status !== 0) throw new Error(`supervisorctl shutdown failed: ${output}`);
  const deadline = Date.now() + 30_000;
  while (supervisordAnswers(settings)) {
    if (Date.now() > deadline) throw new Error("supervisord is still running 30 s after shutdown");
    await sleep(100);
  }
  say("stopped core-back, the console and supervisord");
}
