// The demo app's API: a loyalty-points service on another origin, verified with this package.
import { createVerifier, requireCustomer } from 'bc-customer-auth/server';
import { sendJson, sendMethodNotAllowed } from './lib/http.js';
import { closeServer, listen } from './lib/listen.js';
import { createRecordedServer } from './lib/recorded-server.js';
import { answerPreflight, applyCors, isPreflight } from './loyalty-api/cors.js';
import { attachLivePoints } from './loyalty-api/live-points.js';
import { createPointsLedger } from './loyalty-api/points-ledger.js';
import { answerPoints, answerRedeem } from './loyalty-api/points-routes.js';

/**
 * @typedef {object} LoyaltyApiOptions
 * @property {string} clientId The app's client ID; tokens must carry it as `aud`.
 * @property {string} clientSecret The app's client secret, the tokens' HMAC key.
 * @property {string} storeHash The one store this API serves; tokens from others are refused.
 * @property {string} storefrontOrigin The only origin CORS admits, e.g. `http://localhost:3000`.
 * @property {number} [port] Port to listen on. Default 0 (a free port).
 * @property {Record<number, number>} [seedPoints] Starting balances by customer id, for
 *   `storeHash`. Default `{ 1: 1000, 2: 250 }`.
 * @property {() => number} [now] Clock in milliseconds, for verification and socket expiry.
 *   Default `Date.now`.
 */

/**
 * @typedef {object} LoyaltyApi
 * @property {import('node:http').Server} server
 * @property {string} origin e.g. `http://127.0.0.1:3001`
 * @property {string} url Same as `origin`.
 * @property {number} port
 * @property {import('./lib/request-recorder.js').RecordedRequest[]} requests The latest 10,000
 *   requests received, WebSocket handshakes included.
 * @property {import('./loyalty-api/live-points.js').LiveSocketRecord[]} sockets Live connections.
 * @property {ReturnType<typeof createPointsLedger>} ledger
 * @property {() => Promise<void>} close Closes sockets and connections and stops the server.
 */

/** Demo balances: shopper 1 and shopper 2 of the demo store. */
export const DEFAULT_SEED_POINTS = Object.freeze({ 1: 1000, 2: 250 });

/** @type {Record<string, string | undefined>} */
const ROUTE_METHODS = { '/points': 'GET', '/points/redeem': 'POST' };

/**
 * @param {LoyaltyApiOptions} options
 * @param {ReturnType<typeof createPointsLedger>} ledger
 * @param {import('bc-customer-auth/server').CustomerMiddleware} authenticate
 * @returns {(req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse, path: string) => Promise<void>}
 */
function createRouter(options, ledger, authenticate) {
  return async (req, res, path) => {
    const originAllowed = applyCors(req, res, options.storefrontOrigin);
    if (isPreflight(req)) return answerPreflight(res, originAllowed);
    const method = Object.hasOwn(ROUTE_METHODS, path) ? ROUTE_METHODS[path] : undefined;
    if (method === undefined) {
      return sendJson(res, 404, { error: 'not_found', message: `no route ${path}` });
    }
    if (req.method !== method) return sendMethodNotAllowed(res, [method]);
    // Identity comes only from the verified token: ids in the query or body are never read.
    const customer = await authenticate(req, res);
    if (customer === undefined) return;
    if (path === '/points') return answerPoints(res, customer, ledger);
    return answerRedeem(req, res, customer, ledger);
  };
}

/**
 * Starts the loyalty API: `GET /points`, `POST /points/redeem`, WebSocket `/points/live`, every
 * call verified with `bc-customer-auth/server` for exactly one store.
 *
 * @param {LoyaltyApiOptions} options
 * @returns {Promise<LoyaltyApi>}
 */
export async function createLoyaltyApi(options) {
  const now = options.now ?? Date.now;
  const { clientId, clientSecret, storeHash } = options;
  const verifier = createVerifier({ clientId, clientSecret, storeHashes: [storeHash], now });
  const seed = Object.entries(options.seedPoints ?? DEFAULT_SEED_POINTS);
  const ledger = createPointsLedger(
    seed.map(([customerId, points]) => ({ storeHash, customerId: Number(customerId), points })),
  );
  const route = createRouter(options, ledger, requireCustomer(verifier));
  const { server, requests, record } = createRecordedServer((req, res, entry) =>
    route(req, res, entry.path),
  );
  const live = attachLivePoints({ server, verifier, ledger, record, now });
  const port = await listen(server, {
    port: options.port ?? 0,
    host: '127.0.0.1',
    label: 'loyalty API',
  });
  const origin = `http://127.0.0.1:${port}`;
  const close = () => {
    live.close();
    return closeServer(server);
  };
  return { server, origin, url: origin, port, requests, sockets: live.sockets, ledger, close };
}
