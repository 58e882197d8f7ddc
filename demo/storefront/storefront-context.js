// What the storefront's routes share: settings, the shopper directory and the sessions.
import { findShopperById } from './shoppers.js';
import { createSessionStore, readCookie, SESSION_COOKIE } from './sessions.js';

/**
 * @typedef {object} StorefrontContext
 * @property {string} clientId
 * @property {string} clientSecret
 * @property {string} storeHash
 * @property {() => string} apiOrigin
 * @property {number | undefined} maxTokenAgeMs
 * @property {string[]} extraConnectOrigins
 * @property {string} pageCacheControl
 * @property {string} distDir
 * @property {() => number} now
 * @property {readonly import('./shoppers.js').Shopper[]} shoppers
 * @property {readonly import('../storefront.js').OtherApp[]} otherApps
 * @property {ReturnType<typeof createSessionStore>} sessions
 * @property {(req: import('node:http').IncomingMessage) => string | undefined} sessionTokenOf
 * @property {(req: import('node:http').IncomingMessage) => import('./shoppers.js').Shopper | undefined} currentShopper
 */

/**
 * @param {Omit<StorefrontContext, 'sessions' | 'sessionTokenOf' | 'currentShopper'>} settings
 * @returns {StorefrontContext}
 */
export function createStorefrontContext(settings) {
  const sessions = createSessionStore();
  /** @param {import('node:http').IncomingMessage} req */
  const sessionTokenOf = (req) => readCookie(req.headers.cookie, SESSION_COOKIE);
  return {
    ...settings,
    sessions,
    sessionTokenOf,
    currentShopper(req) {
      const customerId = sessions.customerIdOf(sessionTokenOf(req));
      return customerId === undefined ? undefined : findShopperById(settings.shoppers, customerId);
    },
  };
}
