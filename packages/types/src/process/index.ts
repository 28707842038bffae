// Process groups, one way: spawn in a new session, signal the group (or the session), one
// escalation ladder, is-alive with the zombie check, and a registry passed in, never global;
// and one way to run a program and collect its output (run).
export { isAlive } from "./alive.js";
export { createGroupRegistry, type GroupRegistry } from "./registry.js";
export { liveMembers, signalGroup, signalSet, type ProcessSet } from "./signal.js";
export { run, type RunOptions, type RunResult } from "./run.js";
export { spawnGroup, type SpawnGroupOptions } from "./spawn.js";
export { listProcesses, readCommandLine, readStat, type ProcStat } from "./stat.js";
export { KILL_WITHIN_MS, terminate, type TerminateOptions } from "./terminate.js";
