// Server-side shopper sessions behind the SHOP_SESSION_TOKEN cookie.
import { randomBytes } from 'node:crypto';

/** The session cookie's name, as on a Stencil storefront. */
export const SESSION_COOKIE = 'SHOP_SESSION_TOKEN';

/**
 * Creates an in-memory session store mapping random session tokens to customer ids.
 *
 * @returns {{
 *   create(customerId: number): string,
 *   customerIdOf(sessionToken: string | undefined): number | undefined,
 *   destroy(sessionToken: string | undefined): void,
 * }}
 */
export function createSessionStore() {
  /** @type {Map<string, number>} */
  const sessions = new Map();
  return {
    create(customerId) {
      const sessionToken = randomBytes(24).toString('base64url');
      sessions.set(sessionToken, customerId);
      return sessionToken;
    },
    customerIdOf(sessionToken) {
      return sessionToken === undefined ? undefined : sessions.get(sessionToken);
    },
    destroy(sessionToken) {
      if (sessionToken !== undefined) sessions.delete(sessionToken);
    },
  };
}

/**
 * Reads one cookie from a `Cookie` header.
 *
 * @param {string | undefined} header
 * @param {string} name
 * @returns {string | undefined}
 */
export function readCookie(header, name) {
  for (const pair of (header ?? '').split(';')) {
    const separator = pair.indexOf('=');
    if (separator !== -1 && pair.slice(0, separator).trim() === name) {
      return pair.slice(separator + 1).trim();
    }
  }
  return undefined;
}

/**
 * The `Set-Cookie` value that starts a session: HttpOnly, so page scripts never see it.
 *
 * @param {string} sessionToken
 */
export function sessionCookie(sessionToken) {
  return `${SESSION_COOKIE}=${sessionToken}; Path=/; HttpOnly; SameSite=Lax`;
}

/** The `Set-Cookie` value that ends a session. */
export function expiredSessionCookie() {
  return `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT`;
}
