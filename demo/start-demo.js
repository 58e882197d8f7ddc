// Starts the storefront and the loyalty API together, each knowing the other's origin.
import { createLoyaltyApi } from './loyalty-api.js';
import { createStorefront } from './storefront.js';

/**
 * @typedef {object} StartDemoOptions
 * @property {string} clientId
 * @property {string} clientSecret
 * @property {string} storeHash
 * @property {readonly import('./storefront.js').OtherApp[]} [otherApps] More apps the storefront
 *   issues tokens for (tests of two apps on one store). Default none.
 * @property {number} [storefrontPort] Default 0 (a free port).
 * @property {number} [apiPort] Default 0 (a free port).
 * @property {number} [maxTokenAgeMs] Passed to the page as `data-max-token-age-ms`.
 * @property {string[]} [extraConnectOrigins] Added to the page's CSP `connect-src`.
 * @property {string} [pageCacheControl] The pages' `Cache-Control`. Default `private, no-cache`.
 * @property {Record<number, number>} [seedPoints] Starting balances by customer id.
 * @property {() => number} [now] Clock for both servers, in milliseconds.
 */

/**
 * @typedef {object} Demo
 * @property {import('./storefront.js').Storefront} storefront
 * @property {import('./loyalty-api.js').LoyaltyApi} api
 * @property {() => Promise<void>} close Stops both servers.
 */

/**
 * Starts both demo servers. If the API cannot start, the storefront is stopped again.
 *
 * @param {StartDemoOptions} options
 * @returns {Promise<Demo>}
 */
export async function startDemo(options) {
  const { clientId, clientSecret, storeHash, now } = options;
  let apiOrigin = '';
  const storefront = await createStorefront({
    clientId,
    clientSecret,
    storeHash,
    now,
    port: options.storefrontPort ?? 0,
    apiOrigin: () => apiOrigin,
    maxTokenAgeMs: options.maxTokenAgeMs,
    extraConnectOrigins: options.extraConnectOrigins,
    pageCacheControl: options.pageCacheControl,
    otherApps: options.otherApps,
  });
  /** @type {import('./loyalty-api.js').LoyaltyApi} */
  let api;
  try {
    api = await createLoyaltyApi({
      clientId,
      clientSecret,
      storeHash,
      now,
      port: options.apiPort ?? 0,
      storefrontOrigin: storefront.origin,
      seedPoints: options.seedPoints,
    });
  } catch (error) {
    await storefront.close();
    throw error;
  }
  apiOrigin = api.origin;
  const close = async () => {
    await Promise.all([storefront.close(), api.close()]);
  };
  return { storefront, api, close };
}
