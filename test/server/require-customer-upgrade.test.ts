import { once } from 'node:events';
import type { IncomingMessage, Server } from 'node:http';
import { connect as connectTcp } from 'node:net';
import type { Duplex } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import {
  requireCustomerUpgrade,
  type RequireCustomerOptions,
  type VerifiedCustomer,
} from '../../src/server/index.js';
import { close, fakeSocket, listen } from './helpers/http.js';
import { mintToken, testVerifier } from './helpers/tokens.js';

const VALID = mintToken();

interface Refusal {
  status: number;
  headers: IncomingMessage['headers'];
  body: string;
}

/** Opens a client socket; resolves to the first message, or to the HTTP refusal. */
function connect(
  url: string,
  headers: Record<string, string> = {},
): Promise<{ message?: unknown; refusal?: Refusal }> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, { headers });
    socket.on('message', (data: Buffer) => {
      resolve({ message: JSON.parse(data.toString()) });
      socket.close();
    });
    socket.on('unexpected-response', (_request, response) => {
      let body = '';
      response.on('data', (chunk: Buffer) => (body += chunk.toString()));
      response.on('end', () =>
        resolve({ refusal: { status: response.statusCode ?? 0, headers: response.headers, body } }),
      );
    });
    socket.on('error', reject);
  });
}

describe('requireCustomerUpgrade with ws (noServer)', () => {
  let server: Server;
  let wss: WebSocketServer;
  let base: string;
  let connections: number;

  beforeEach(async () => {
    connections = 0;
    const authenticateUpgrade = requireCustomerUpgrade(testVerifier());
    wss = new WebSocketServer({ noServer: true });
    wss.on('connection', (ws, req: IncomingMessage & { customer?: VerifiedCustomer }) => {
      connections += 1;
      ws.send(
        JSON.stringify({
          customerId: req.customer?.customerId,
          storeHash: req.customer?.storeHash,
        }),
      );
    });
    ({ server, origin: base } = await listen());
    base = base.replace('http:', 'ws:');
    server.on('upgrade', async (req, socket, head) => {
      const customer = await authenticateUpgrade(req, socket);
      if (!customer) return;
      wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
    });
  });

  afterEach(async () => {
    wss.close();
    await close(server);
  });

  it('accepts the token from the query string and exposes req.customer', async () => {
    const { message } = await connect(`${base}/points/live?token=${VALID}`);
    expect(message).toStrictEqual({ customerId: 42, storeHash: 'abc123' });
    expect(connections).toBe(1);
  });

  it('accepts an Authorization header from non-browser clients', async () => {
    const { message } = await connect(`${base}/points/live`, { Authorization: `Bearer ${VALID}` });
    expect(message).toMatchObject({ customerId: 42 });
  });

  it('refuses a missing token with 401 and a bare challenge', async () => {
    const { refusal } = await connect(`${base}/points/live`);
    expect(refusal?.status).toBe(401);
    expect(refusal?.headers['www-authenticate']).toBe('Bearer realm="api"');
    expect(refusal?.headers['cache-control']).toBe('no-store');
    expect(connections).toBe(0);
  });

  it('refuses a bad token with 401 invalid_token', async () => {
    const forged = mintToken({ secret: 'not-the-secret' });
    const { refusal } = await connect(`${base}/points/live?token=${forged}`);
    expect(refusal?.status).toBe(401);
    expect(refusal?.headers['www-authenticate']).toBe('Bearer realm="api", error="invalid_token"');
    expect(JSON.parse(refusal?.body ?? '')).toStrictEqual({
      error: 'invalid_token',
      code: 'BAD_SIGNATURE',
    });
    expect(connections).toBe(0);
  });

  it('refuses a token sent both ways with 400 invalid_request', async () => {
    const { refusal } = await connect(`${base}/points/live?token=${VALID}`, {
      Authorization: `Bearer ${VALID}`,
    });
    expect(refusal?.status).toBe(400);
    expect(refusal?.headers['www-authenticate']).toBe(
      'Bearer realm="api", error="invalid_request"',
    );
    expect(connections).toBe(0);
  });

  it('treats undefined options as the defaults: query token accepted, realm "api"', async () => {
    const options: RequireCustomerOptions = { allowQueryToken: undefined, realm: undefined };
    const authenticateUpgrade = requireCustomerUpgrade(testVerifier(), options);
    server.removeAllListeners('upgrade');
    server.on('upgrade', async (req, socket, head) => {
      if (!(await authenticateUpgrade(req, socket))) return;
      wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
    });
    const { message } = await connect(`${base}/points/live?token=${VALID}`);
    expect(message).toStrictEqual({ customerId: 42, storeHash: 'abc123' });
    const { refusal } = await connect(`${base}/points/live`);
    expect(refusal?.headers['www-authenticate']).toBe('Bearer realm="api"');
    expect(connections).toBe(1);
  });

  it('survives a client that resets the connection during verification', async () => {
    // Verification ends only once the server's socket has closed after the reset: an order, not a
    // time, so the reset lands during it however late the timers fire on a busy machine. A 'close'
    // listener, unlike events.once, adds no 'error' listener that would hide a missing one.
    let upgraded!: (socket: Duplex) => void;
    const upgrade = new Promise<Duplex>((resolve) => (upgraded = resolve));
    const slow = requireCustomerUpgrade({
      verify: async () => {
        const socket = await upgrade;
        if (!socket.destroyed) await new Promise((resolve) => socket.once('close', resolve));
        return testVerifier().verify(VALID);
      },
    });
    server.removeAllListeners('upgrade');
    const outcome = new Promise<unknown>((resolve) => {
      server.on('upgrade', (req, socket) => {
        upgraded(socket);
        void slow(req, socket).then((customer) => {
          resolve(customer);
          socket.destroy();
        });
      });
    });
    const raw = connectTcp(Number(new URL(base).port), '127.0.0.1');
    await once(raw, 'connect');
    raw.write(
      `GET /points/live?token=${VALID} HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
        'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n',
    );
    await upgrade;
    raw.resetAndDestroy();
    expect(await outcome).toMatchObject({ customerId: 42 });
  });
});

describe('requireCustomerUpgrade and its socket', () => {
  it('stops swallowing socket errors once the handshake is accepted', async () => {
    const socket = fakeSocket();
    const customer = await requireCustomerUpgrade(testVerifier())(
      { headers: {}, url: `/live?token=${VALID}` },
      socket,
    );
    expect(customer).toMatchObject({ customerId: 42 });
    expect(socket.listenerCount('error')).toBe(0);
    expect(socket.written).toEqual([]);
  });

  it('writes nothing to a socket that is already destroyed', async () => {
    const socket = fakeSocket(true);
    const authenticate = requireCustomerUpgrade(testVerifier());
    await expect(authenticate({ headers: {}, url: '/live' }, socket)).resolves.toBeUndefined();
    expect(socket.written).toEqual([]);
    expect(socket.destroyCalls).toBe(0);
  });

  it('destroys a refused socket once the refusal is flushed', async () => {
    const socket = fakeSocket();
    await requireCustomerUpgrade(testVerifier())({ headers: {}, url: '/live' }, socket);
    expect(socket.written).toHaveLength(1);
    expect(socket.written[0]).toMatch(/^HTTP\/1\.1 401 Unauthorized\r\n/);
    expect(socket.destroyCalls).toBe(0);
    socket.emit('finish');
    expect(socket.destroyCalls).toBe(1);
  });

  it.each([null, undefined])(
    'refuses the handshake with 500 when the verifier resolves to %s',
    async (nothing) => {
      const socket = fakeSocket();
      const authenticate = requireCustomerUpgrade({
        verify: () => Promise.resolve(nothing as never),
      });
      const customer = await authenticate({ headers: {}, url: `/live?token=${VALID}` }, socket);
      expect(customer).toBeUndefined();
      expect(socket.written[0]).toMatch(/^HTTP\/1\.1 500 Internal Server Error\r\n/);
    },
  );

  it('writes a 400 refusal with its reason phrase and Connection: close', async () => {
    const socket = fakeSocket();
    await requireCustomerUpgrade(testVerifier())(
      { headers: { authorization: `Bearer ${VALID}` }, url: `/live?token=${VALID}` },
      socket,
    );
    const [head = ''] = (socket.written[0] ?? '').split('\r\n\r\n');
    const lines = head.split('\r\n');
    expect(lines[0]).toBe('HTTP/1.1 400 Bad Request');
    expect(lines).toContain('Connection: close');
    expect(lines).toContain('Cache-Control: no-store');
  });
});

describe('requireCustomerUpgrade creation', () => {
  it('throws a TypeError for an unknown option or a flag that is not a boolean', () => {
    expect(() =>
      requireCustomerUpgrade(testVerifier(), { allowQueryTokens: false } as never),
    ).toThrow('bc-customer-auth: requireCustomerUpgrade has no option "allowQueryTokens"');
    expect(() =>
      requireCustomerUpgrade(testVerifier(), { allowQueryToken: 'false' as never }),
    ).toThrow(
      'bc-customer-auth: requireCustomerUpgrade option "allowQueryToken" must be a boolean',
    );
  });

  it.each([null, 0, 1])(
    'throws a TypeError for allowQueryToken %j: only a boolean switches the query token',
    (allowQueryToken) => {
      const create = () => requireCustomerUpgrade(testVerifier(), { allowQueryToken } as never);
      expect(create).toThrow(TypeError);
      expect(create).toThrow(
        'bc-customer-auth: requireCustomerUpgrade option "allowQueryToken" must be a boolean',
      );
    },
  );
});
