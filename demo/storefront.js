// The demo storefront: a local stand-in for a BigCommerce Stencil store.
import { fileURLToPath } from 'node:url';
import { send, sendMethodNotAllowed } from './lib/http.js';
import { closeServer, listen, listenAlso } from './lib/listen.js';
import { createRecordedServer } from './lib/recorded-server.js';
import { readStorePageScript, serveAsset } from './storefront/assets.js';
import { answerCurrentCustomer } from './storefront/current-customer-route.js';
import { answerLogin } from './storefront/login-routes.js';
import { sendPage } from './storefront/page-response.js';
import { renderStorePage } from './storefront/pages.js';
import { DEMO_SHOPPERS } from './storefront/shoppers.js';
import { createStorefrontContext } from './storefront/storefront-context.js';

/**
 * Another app registered with the platform: BigCommerce issues a token for any app's client ID,
 * signed with that app's secret.
 *
 * @typedef {object} OtherApp
 * @property {string} clientId
 * @property {string} clientSecret
 */

/**
 * @typedef {object} StorefrontOptions
 * @property {string} clientId The app's client ID (`app_client_id`, the tokens' `aud`).
 * @property {string} clientSecret The app's client secret, the tokens' HMAC key.
 * @property {string} storeHash The store hash (`store_hash` and `sub` of the tokens).
 * @property {readonly OtherApp[]} [otherApps] More apps whose `app_client_id` the Current Customer
 *   endpoint answers, each token signed with its own app's secret; the pages still load only
 *   `clientId`'s tag. Default none: any other `app_client_id` is answered 400.
 * @property {string | (() => string)} apiOrigin The loyalty API's origin, e.g.
 *   `http://127.0.0.1:3001`, or a function returning it when the API starts later.
 * @property {number} [port] Port to listen on, on 127.0.0.1 and, unless 0, on ::1 too
 *   (pages are addressed as `http://localhost:<port>`). Default 0 (a free port).
 * @property {number} [maxTokenAgeMs] Rendered as `data-max-token-age-ms` when set.
 * @property {string[]} [extraConnectOrigins] Origins added to the CSP's `connect-src` besides the
 *   API (tests use it so that only the SDK's allowlist stands between a page and a server).
 * @property {string} [pageCacheControl] The pages' `Cache-Control`. Default `private, no-cache`:
 *   revalidated on every visit, yet eligible for the back/forward cache (`no-store` opts out).
 * @property {readonly import('./storefront/shoppers.js').Shopper[]} [shoppers] Default: the two
 *   demo shoppers.
 * @property {string} [distDir] Where the built package lives. Default: `dist/` of this repository.
 * @property {() => number} [now] Clock for issuing tokens, in milliseconds. Default `Date.now`.
 */

/**
 * @typedef {object} Storefront
 * @property {import('node:http').Server} server
 * @property {string} origin e.g. `http://localhost:3000`
 * @property {string} url The store home, e.g. `http://localhost:3000/`
 * @property {number} port
 * @property {import('./lib/request-recorder.js').RecordedRequest[]} requests The latest 10,000
 *   requests received.
 * @property {() => Promise<void>} close Stops the server and drops open connections.
 */

const DEFAULT_DIST_DIR = fileURLToPath(new URL('../dist/', import.meta.url));

/**
 * @param {import('./storefront/storefront-context.js').StorefrontContext} context
 * @param {string} pageScript
 * @returns {(req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse, path: string, query: URLSearchParams) => Promise<void>}
 */
function createRouter(context, pageScript) {
  return async (req, res, path, query) => {
    if (path === '/customer/current.jwt') return answerCurrentCustomer(req, res, query, context);
    if (path === '/login.php') return answerLogin(req, res, query, context);
    if (req.method !== 'GET' && req.method !== 'HEAD') return sendMethodNotAllowed(res, ['GET']);
    if (path === '/' || path === '/index.php') {
      const shopper = context.currentShopper(req);
      return sendPage(res, context, 200, (nonce) =>
        renderStorePage({ context, shopper, nonce, pageScript }),
      );
    }
    if (await serveAsset(res, path, context.distDir)) return;
    send(res, 404, 'text/plain; charset=utf-8', 'Not Found\n');
  };
}

/**
 * Starts the demo storefront: the store page loading the script-tag build, Stencil's login and
 * logout routes with an HttpOnly `SHOP_SESSION_TOKEN` cookie, and `/customer/current.jwt`.
 *
 * @param {StorefrontOptions} options
 * @returns {Promise<Storefront>}
 * @example
 * const storefront = await createStorefront({
 *   clientId: 'demo', clientSecret: 'secret', storeHash: 'abc123', apiOrigin: 'http://127.0.0.1:3001',
 * });
 */
export async function createStorefront(options) {
  const { apiOrigin } = options;
  const context = createStorefrontContext({
    clientId: options.clientId,
    clientSecret: options.clientSecret,
    storeHash: options.storeHash,
    apiOrigin: typeof apiOrigin === 'function' ? apiOrigin : () => apiOrigin,
    maxTokenAgeMs: options.maxTokenAgeMs,
    extraConnectOrigins: options.extraConnectOrigins ?? [],
    pageCacheControl: options.pageCacheControl ?? 'private, no-cache',
    distDir: options.distDir ?? DEFAULT_DIST_DIR,
    now: options.now ?? Date.now,
    shoppers: options.shoppers ?? DEMO_SHOPPERS,
    otherApps: options.otherApps ?? [],
  });
  const route = createRouter(context, await readStorePageScript());
  const { server, requests } = createRecordedServer((req, res, entry) =>
    route(req, res, entry.path, entry.query),
  );
  const port = await listen(server, {
    port: options.port ?? 0,
    host: '127.0.0.1',
    label: 'storefront',
  });
  // Pages are addressed as localhost, which browsers try on ::1 first: a port asked for by number
  // is claimed there too. A free port (0) is free on 127.0.0.1 only; browsers then fall back to it.
  if (port === options.port) {
    await listenAlso(server, { port, host: '::1', label: 'storefront' }).catch(async (error) => {
      await closeServer(server);
      throw error;
    });
  }
  const origin = `http://localhost:${port}`;
  return { server, origin, url: `${origin}/`, port, requests, close: () => closeServer(server) };
}
