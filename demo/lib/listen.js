// Starting and stopping the demo's HTTP servers, with errors a newcomer can act on.
import { createServer } from 'node:net';

/**
 * Thrown when a demo server cannot listen, e.g. because its port is taken.
 */
export class ListenError extends Error {
  /**
   * @param {string} message
   * @param {{ cause: unknown, port: number, label: string }} details
   */
  constructor(message, details) {
    super(message, { cause: details.cause });
    this.name = 'ListenError';
    /** The port that was asked for. */
    this.port = details.port;
    /** Which server failed, e.g. `storefront`. */
    this.label = details.label;
  }
}

/**
 * Listens on `host:port` (port 0 picks a free one) and resolves to the port in use.
 *
 * @param {import('node:net').Server} server
 * @param {{ port: number, host: string, label: string }} where
 * @returns {Promise<number>}
 */
export function listen(server, { port, host, label }) {
  return new Promise((resolve, reject) => {
    /** @param {NodeJS.ErrnoException} error */
    const onError = (error) => {
      const message =
        error.code === 'EADDRINUSE'
          ? `${label}: port ${port} on ${host} is already in use`
          : `${label}: cannot listen on ${host}:${port} (${error.code ?? error.message})`;
      reject(new ListenError(message, { cause: error, port, label }));
    };
    server.once('error', onError);
    server.listen(port, host, () => {
      server.removeListener('error', onError);
      const address = server.address();
      resolve(typeof address === 'object' && address !== null ? address.port : port);
    });
  });
}

/**
 * Also accepts `server`'s connections on `host` (same port) until `server` closes. A name such as
 * `localhost` resolves to 127.0.0.1 and ::1, and browsers try ::1 first: without this, another
 * program on ::1 would get the demo's visitors while the demo started without a word. Skipped
 * when the machine has no such address.
 *
 * @param {import('node:http').Server} server
 * @param {{ port: number, host: string, label: string }} where
 * @returns {Promise<void>}
 */
export async function listenAlso(server, where) {
  const extra = createServer((socket) => server.emit('connection', socket));
  try {
    await listen(extra, where);
  } catch (error) {
    const code = /** @type {NodeJS.ErrnoException} */ (/** @type {Error} */ (error).cause).code;
    if (code === 'EADDRNOTAVAIL' || code === 'EAFNOSUPPORT') return;
    throw error;
  }
  server.once('close', () => extra.close());
}

/**
 * Stops accepting connections, drops idle and active ones, and resolves once the server is closed.
 *
 * @param {import('node:http').Server} server
 * @returns {Promise<void>}
 */
export function closeServer(server) {
  if (!server.listening) return Promise.resolve();
  return new Promise((resolve, reject) => {
    server.close((error) => (error ? reject(error) : resolve()));
    server.closeAllConnections();
  });
}
