import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach } from 'vitest';
import { WebSocketServer } from 'ws';
import { keepClicksOnPage, setPageUrl } from './page.js';
import { startServer, type TestServer } from './storefront.js';

export interface SocketConnection {
  /** The request URL as it arrived on the wire (path and query). */
  readonly url: string;
  /** Resolves with the close code and reason the client sent. */
  readonly closed: Promise<{ code: number; reason: string }>;
}

export interface TestSocketServer {
  readonly origin: string;
  readonly connections: SocketConnection[];
  /** Resolves when the next connection opens. */
  nextConnection(): Promise<SocketConnection>;
  close(): Promise<void>;
}

/** A real WebSocket server on loopback that records connection URLs and close frames. */
export async function startSocketServer(): Promise<TestSocketServer> {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve) => server.once('listening', resolve));
  const { port } = server.address() as AddressInfo;
  const connections: SocketConnection[] = [];
  let waiting: ((connection: SocketConnection) => void)[] = [];
  server.on('connection', (socket, request) => {
    const connection: SocketConnection = {
      url: request.url ?? '',
      closed: new Promise((resolve) => {
        socket.on('close', (code, reason) => resolve({ code, reason: reason.toString() }));
      }),
    };
    connections.push(connection);
    const resolvers = waiting;
    waiting = [];
    resolvers.forEach((resolve) => resolve(connection));
  });
  return {
    origin: `http://127.0.0.1:${port}`,
    connections,
    nextConnection: () => new Promise((resolve) => waiting.push(resolve)),
    close: () =>
      new Promise<void>((resolve) => {
        server.clients.forEach((client) => client.terminate());
        server.close(() => resolve());
      }),
  };
}

/**
 * A `WebSocket` option that connects for real and keeps every socket it made: a socket opened for
 * a call is made before the call settles, so an empty `made` then means none can reach the server.
 */
export function madeSockets(): { WebSocket: typeof WebSocket; made: WebSocket[] } {
  const made: WebSocket[] = [];
  return {
    made,
    WebSocket: class extends WebSocket {
      constructor(...args: ConstructorParameters<typeof WebSocket>) {
        super(...args);
        made.push(this);
      }
    },
  };
}

/** The storefront stand-in and a WebSocket server, fresh for each of the calling file's tests. */
export interface StorefrontAndSockets {
  readonly server: TestServer;
  readonly sockets: TestSocketServer;
}

/**
 * Starts a storefront stand-in (the page's origin) and a WebSocket server before each of the
 * calling file's tests and closes both after it; link clicks stay on the page.
 */
export function useStorefrontAndSockets(): StorefrontAndSockets {
  const context = {} as { server: TestServer; sockets: TestSocketServer };
  keepClicksOnPage();
  beforeEach(async () => {
    context.server = await startServer();
    context.sockets = await startSocketServer();
    setPageUrl(context.server.origin + '/');
  });
  afterEach(async () => {
    await context.sockets.close();
    await context.server.close();
  });
  return context;
}
