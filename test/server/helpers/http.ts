import { EventEmitter, once } from 'node:events';
import { createServer, type RequestListener, type Server } from 'node:http';
import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';

/** Starts a node:http server on 127.0.0.1 with an ephemeral port. */
export async function listen(
  listener?: RequestListener,
): Promise<{ server: Server; origin: string; port: number }> {
  const server = createServer(listener);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return { server, origin: `http://127.0.0.1:${port}`, port };
}

export async function close(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

/** Sends raw request bytes (e.g. duplicated headers fetch cannot send) and returns the raw response. */
export async function rawRequest(port: number, head: string): Promise<string> {
  const socket = connect(port, '127.0.0.1');
  await once(socket, 'connect');
  const chunks: Buffer[] = [];
  socket.on('data', (chunk: Buffer) => chunks.push(chunk));
  socket.end(head);
  await once(socket, 'close');
  return Buffer.concat(chunks).toString('utf8');
}

/** Splits a raw HTTP/1.1 response into status, lowercased headers and body. */
export function parseRawResponse(raw: string): {
  status: number;
  headers: Record<string, string>;
  body: string;
} {
  const [head = '', body = ''] = raw.split('\r\n\r\n');
  const [statusLine = '', ...lines] = head.split('\r\n');
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { status: Number(statusLine.split(' ')[1]), headers, body };
}

/** A stand-in for the upgrade socket that records what the authenticator does to it. */
export function fakeSocket(destroyed = false) {
  const socket = Object.assign(new EventEmitter(), {
    destroyed,
    written: [] as string[],
    destroyCalls: 0,
    end(data: string) {
      socket.written.push(data);
    },
    destroy() {
      socket.destroyCalls += 1;
    },
  });
  return socket;
}
