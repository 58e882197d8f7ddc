// Runs the memory benchmark in its own `node --expose-gc` process, so the heap it reads holds
// nothing of the other benchmarks and garbage collection can be forced.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const WORKER = fileURLToPath(new URL('./memory-worker.js', import.meta.url));

/**
 * @typedef {object} MemoryScenario
 * @property {number} rounds
 * @property {{ heapAfterBytes: number, growthBytes: number[] }} sdk Heap growth per round with the SDK.
 * @property {{ heapAfterBytes: number, growthBytes: number[] }} control The same work without it.
 * @property {number} jwtRequests JWT requests the injected fetch saw during the SDK's rounds.
 * @property {number} listenersBefore Listeners on window, document and channels before the rounds.
 * @property {number} listenersAfter The same after the rounds.
 * @property {number} listenersAfterDestroy The same after `destroy()`.
 * @property {number} channelsAfterDestroy BroadcastChannels left open after `destroy()`.
 */

/**
 * Heap and listeners after 100 000 warm calls per round and 1 000 sockets per round.
 *
 * @returns {Promise<{ fetchCalls: MemoryScenario & { calls: number }, sockets: MemoryScenario & { sockets: number, serverConnectionsLeft: number } }>}
 */
export async function benchMemory() {
  const { stdout } = await promisify(execFile)(process.execPath, ['--expose-gc', WORKER], {
    timeout: 300_000,
  });
  return JSON.parse(stdout);
}
