/**
 * The one line a server prints on stdout once it listens: `{"ready":true,"port":N}`.
 * The SDK, the platform's start command and the tests wait for it.
 */
export function writeReadyLine(port: number): void {
  process.stdout.write(`${JSON.stringify({ ready: true, port })}\n`);
}
