// Restarts one supervisord program from outside it: core-back starts this in its own
// session to restart core-back itself, since a process cannot wait for its own start.
// Usage: node restart-self.js <socket> <program>
import { SupervisorClient } from "./client.js";

const [socketPath, program] = process.argv.slice(2);
if (socketPath === undefined || program === undefined) {
  console.error("usage: node restart-self.js <supervisord socket> <program>");
  process.exit(2);
}
try {
  await new SupervisorClient({ socketPath }).restart(program);
  process.exit(0);
} catch (error) {
  console.error(`restart of ${program} failed: ${(error as Error).message}`);
  process.exit(1);
}
