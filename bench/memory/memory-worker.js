// Run as `node --expose-gc bench/memory/memory-worker.js` (bench/memory/bench-memory.js does):
// heap growth and listeners after rounds of warm `bcAuthFetch` calls with an injected fetch, and
// after rounds of WebSockets opened and closed against a real `ws` server on loopback, each next
// to a control that does the same work without the SDK (the noise). Prints one JSON object.
import { once } from 'node:events';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { WebSocket, WebSocketServer } from 'ws';
import { signCurrentCustomerJwt } from '../../demo/storefront/current-customer-jwt.js';
import { createCustomerAuth } from '../../dist/index.js';
import { installPageStubs } from './page-stubs.js';

const CLIENT_ID = 'bench-memory-client';
const API_ORIGIN = 'http://127.0.0.1:9';
const ROUNDS = Number(process.env.BENCH_MEMORY_ROUNDS ?? 5);
const FETCH_CALLS = Number(process.env.BENCH_MEMORY_FETCH_CALLS ?? 100_000);
const SOCKETS = Number(process.env.BENCH_MEMORY_SOCKETS ?? 1_000);

const stubs = installPageStubs('http://localhost:3000/');
const token = signCurrentCustomerJwt({
  customer: { id: 1, email: 'shopper1@example.com', groupId: '0' },
  clientId: CLIENT_ID,
  clientSecret: 'bench-memory-secret',
  storeHash: 'abc123',
  nowMs: Date.now(),
});
const counts = { jwtRequests: 0 };

/** The injected fetch: a real-shaped token for the JWT request, 204 for anything else. */
async function stubFetch(input) {
  if (!String(input).includes('/customer/current.jwt')) return new Response(null, { status: 204 });
  counts.jwtRequests += 1;
  return new Response(token);
}

/** Heap in use once garbage collection has nothing left to free. */
async function settledHeap() {
  for (let i = 0; i < 5; i += 1) {
    await nextTurn();
    globalThis.gc?.();
  }
  return process.memoryUsage().heapUsed;
}

/** Runs `round` once to warm up, then `ROUNDS` times; the heap growth of each round, in bytes. */
async function heapGrowthPerRound(round) {
  await round();
  let previous = await settledHeap();
  const growthBytes = [];
  for (let i = 0; i < ROUNDS; i += 1) {
    await round();
    const heap = await settledHeap();
    growthBytes.push(heap - previous);
    previous = heap;
  }
  return { heapAfterBytes: previous, growthBytes };
}

/** Measures the SDK's rounds and the control's, and counts listeners before, after and after destroy(). */
async function measure(allowedOrigin, sdkRound, controlRound) {
  const client = createCustomerAuth({
    appClientId: CLIENT_ID,
    allowedOrigins: [allowedOrigin],
    maxTokenAgeMs: 60_000,
    fetch: stubFetch,
    WebSocket: /** @type {typeof globalThis.WebSocket} */ (/** @type {unknown} */ (WebSocket)),
    BroadcastChannel: stubs.BroadcastChannel,
  });
  const control = await heapGrowthPerRound(() => controlRound());
  const listenersBefore = stubs.listenerCount();
  const jwtRequestsBefore = counts.jwtRequests;
  const sdk = await heapGrowthPerRound(() => sdkRound(client));
  const listenersAfter = stubs.listenerCount();
  client.destroy();
  return {
    rounds: ROUNDS,
    sdk,
    control,
    jwtRequests: counts.jwtRequests - jwtRequestsBefore,
    listenersBefore,
    listenersAfter,
    listenersAfterDestroy: stubs.listenerCount(),
    channelsAfterDestroy: stubs.openChannels(),
  };
}

function benchFetchCalls() {
  const url = `${API_ORIGIN}/points`;
  const headers = { Authorization: `Bearer ${token}` };
  return measure(
    API_ORIGIN,
    async (client) => {
      for (let i = 0; i < FETCH_CALLS; i += 1) await client.fetch(url);
    },
    async () => {
      for (let i = 0; i < FETCH_CALLS; i += 1) await stubFetch(url, { headers });
    },
  );
}

/** Waits for `socket` to open, closes it and waits for the closing handshake. */
async function openThenClose(socket) {
  await once(socket, 'open');
  socket.close(1000);
  await once(socket, 'close');
}

async function benchSockets() {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await once(server, 'listening');
  const { port } = /** @type {import('node:net').AddressInfo} */ (server.address());
  const url = `ws://127.0.0.1:${port}/points/live`;
  try {
    const result = await measure(
      `http://127.0.0.1:${port}`,
      async (client) => {
        for (let i = 0; i < SOCKETS; i += 1) await openThenClose(await client.webSocket(url));
      },
      async () => {
        for (let i = 0; i < SOCKETS; i += 1) await openThenClose(new WebSocket(`${url}?token=x`));
      },
    );
    while (server.clients.size > 0) await nextTurn();
    return { ...result, serverConnectionsLeft: server.clients.size };
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
}

if (typeof globalThis.gc !== 'function') throw new Error('run with node --expose-gc');
const fetchCalls = { calls: FETCH_CALLS, ...(await benchFetchCalls()) };
const sockets = { sockets: SOCKETS, ...(await benchSockets()) };
console.log(JSON.stringify({ fetchCalls, sockets }));
