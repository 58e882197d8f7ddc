// Signs Current Customer JWTs the way BigCommerce does (see docs: platform facts).
import { createHmac } from 'node:crypto';

/** Lifetime of a Current Customer JWT: `exp − iat`, in seconds. */
export const TOKEN_LIFETIME_SECONDS = 900;

/** @param {unknown} value */
function encodeSegment(value) {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
}

/**
 * Signs a Current Customer JWT: HS512 with the client secret as a UTF-8 key, and the claim set
 * real tokens carry (`customer`, `iss`, `iat`, `exp`, `version`, `aud`, `application_id`,
 * `store_hash`, `sub`, `operation`).
 *
 * @param {object} input
 * @param {{ id: number, email: string, groupId: string }} input.customer
 * @param {string} input.clientId
 * @param {string} input.clientSecret
 * @param {string} input.storeHash
 * @param {number} input.nowMs Issue time, in milliseconds since the Unix epoch.
 * @returns {string} The compact JWS.
 */
export function signCurrentCustomerJwt({ customer, clientId, clientSecret, storeHash, nowMs }) {
  const iat = Math.floor(nowMs / 1000);
  const header = encodeSegment({ typ: 'JWT', alg: 'HS512' });
  const payload = encodeSegment({
    customer: { id: customer.id, email: customer.email, group_id: customer.groupId },
    iss: 'bc/apps',
    iat,
    exp: iat + TOKEN_LIFETIME_SECONDS,
    version: 1,
    aud: clientId,
    application_id: clientId,
    store_hash: storeHash,
    sub: storeHash,
    operation: 'current_customer',
  });
  const signature = createHmac('sha512', Buffer.from(clientSecret, 'utf8'))
    .update(`${header}.${payload}`)
    .digest('base64url');
  return `${header}.${payload}.${signature}`;
}
