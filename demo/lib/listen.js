// Starting and stopping the demo's HTTP servers, with errors a newcomer can act on.

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
 * @param {import('node:http').Server} server
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
