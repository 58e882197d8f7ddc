import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { Demo } from '../../demo/start-demo.js';
import {
  SHOPPER_1,
  SHOPPER_2,
  shopperToken,
  signToken,
  startTestDemo,
} from './support/demo-harness.js';
import { decodeJwtPayload } from '../support/jwt-payload.js';

let demo: Demo;
let token1: string;
let token2: string;

beforeAll(async () => {
  demo = await startTestDemo();
  token1 = await shopperToken(demo.storefront.origin, SHOPPER_1);
  token2 = await shopperToken(demo.storefront.origin, SHOPPER_2);
});
afterAll(() => demo.close());

type Push = { customerId: number; points: number };

/** Opens a socket and collects every message it receives; `next()` reads them in order. */
async function openLive(
  query: string,
): Promise<{ socket: WebSocket; messages: Push[]; next(): Promise<Push> }> {
  const socket = new WebSocket(`ws://127.0.0.1:${demo.api.port}/points/live${query}`);
  const messages: Push[] = [];
  const unread: Push[] = [];
  const waiters: Array<(push: Push) => void> = [];
  socket.on('message', (data: Buffer) => {
    const push = JSON.parse(data.toString('utf8')) as Push;
    messages.push(push);
    const waiter = waiters.shift();
    if (waiter) waiter(push);
    else unread.push(push);
  });
  await once(socket, 'open');
  const next = () => {
    const push = unread.shift();
    return push ? Promise.resolve(push) : new Promise<Push>((resolve) => waiters.push(resolve));
  };
  return { socket, messages, next };
}

/** Opens a socket that the server should refuse; resolves to the HTTP status of the refusal. */
async function refusedStatus(path: string): Promise<number> {
  const socket = new WebSocket(`ws://127.0.0.1:${demo.api.port}${path}`);
  socket.on('error', () => undefined);
  const [, response] = (await once(socket, 'unexpected-response')) as [
    unknown,
    { statusCode: number },
  ];
  return response.statusCode;
}

function redeem(token: string, points: number): Promise<Response> {
  return fetch(`${demo.api.origin}/points/redeem`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ points }),
  });
}

describe('WebSocket /points/live', () => {
  it('pushes the balance on connect and after every redeem', async () => {
    const live = await openLive(`?token=${token1}`);
    const first = await live.next();
    expect(first).toEqual({ customerId: 1, points: demo.api.ledger.getPoints('abc123', 1) });
    await redeem(token1, 7);
    expect(await live.next()).toEqual({ customerId: 1, points: first.points - 7 });
    live.socket.close();
  });

  it("never pushes another customer's changes, whatever id the URL names", async () => {
    const live = await openLive(`?token=${token1}&customerId=2`);
    await live.next();
    await redeem(token2, 1);
    await redeem(token1, 1);
    await live.next();
    expect(live.messages.map((push) => push.customerId)).toEqual([1, 1]);
    live.socket.close();
  });

  it('records the socket and its close as the server saw them', async () => {
    const before = demo.api.sockets.length;
    const live = await openLive(`?token=${token2}`);
    await live.next();
    live.socket.close(1000);
    await once(live.socket, 'close');
    await expect.poll(() => demo.api.sockets[before]?.closedAt).toBeDefined();
    expect(demo.api.sockets[before]).toMatchObject({
      customerId: 2,
      storeHash: 'abc123',
      closeCode: 1000,
    });
    expect(demo.api.sockets[before]?.sent).toEqual(live.messages);
    const handshake = demo.api.requests.filter((entry) => entry.upgrade).at(-1);
    expect(handshake).toMatchObject({ path: '/points/live', status: 101 });
    expect(handshake?.query.get('token')).toBe(token2);
  });

  it('refuses a handshake without a token with 401', async () => {
    expect(await refusedStatus('/points/live')).toBe(401);
  });

  it('refuses a forged token and a token from another store with 401', async () => {
    expect(await refusedStatus(`/points/live?token=${await signToken({ secret: 'guess' })}`)).toBe(
      401,
    );
    expect(
      await refusedStatus(`/points/live?token=${await signToken({ storeHash: 'evil99' })}`),
    ).toBe(401);
    expect(await refusedStatus('/points/live?token=not-a-jwt')).toBe(401);
  });

  it('refuses a token sent twice with 400', async () => {
    expect(await refusedStatus(`/points/live?token=${token1}&token=${token1}`)).toBe(400);
  });

  it('refuses other upgrade paths with 404', async () => {
    expect(await refusedStatus(`/points?token=${token1}`)).toBe(404);
  });

  it('closes the socket with 4401 once its token has expired', async () => {
    // Expired 5 s ago: still inside the verifier's clock tolerance, so the handshake succeeds.
    const nearlyExpired = await signToken({ issuedAgoSeconds: 905 });
    const live = await openLive(`?token=${nearlyExpired}`);
    const [code] = (await once(live.socket, 'close')) as [number];
    expect(code).toBe(4401);
  });

  it('keeps a socket open until its token expires, not before', async () => {
    // Expires within the next one to two seconds.
    const expiring = await signToken({ issuedAgoSeconds: 898 });
    const expiresAtMs = (decodeJwtPayload(expiring)['exp'] as number) * 1000;
    const live = await openLive(`?token=${expiring}`);
    const [code] = (await once(live.socket, 'close')) as [number];
    expect(code).toBe(4401);
    // 20 ms of slack for timer rounding.
    expect(Date.now()).toBeGreaterThanOrEqual(expiresAtMs - 20);
  });
});

describe('WebSocket /points/live: paths, message size and closed sockets', () => {
  it('refuses an upgrade path that only starts with /points/live', async () => {
    expect(await refusedStatus(`/points/livestream?token=${token1}`)).toBe(404);
  });

  it('closes a socket that sends a message over 1 KiB with 1009', async () => {
    const { socket } = await openLive(`?token=${token1}`);
    socket.send('x'.repeat(2048));
    const [code] = (await once(socket, 'close')) as [number];
    expect(code).toBe(1009);
  });

  it('stops pushing to a socket once it has closed', async () => {
    const before = demo.api.sockets.length;
    const { socket, next } = await openLive(`?token=${token2}`);
    await next();
    socket.close(1000);
    await once(socket, 'close');
    await expect.poll(() => demo.api.sockets[before]?.closedAt).toBeDefined();
    const sent = demo.api.sockets[before]?.sent.length;
    expect((await redeem(token2, 1)).status).toBe(200);
    expect(demo.api.sockets[before]?.sent.length).toBe(sent);
  });
});
