import { createHmac, randomUUID } from 'node:crypto';

// Unique per test file, so clients in files that share a process never hear each other's notices.
export const CLIENT_ID = 'test-client-' + randomUUID().slice(0, 8);
export const STORE_HASH = 'abc123';
/** A decoded customer, for tests that hand the token cache its tokens directly. */
export const CUSTOMER = {
  id: 1,
  email: 'shopper@example.com',
  groupId: '0',
  storeHash: STORE_HASH,
};

let serial = 0;

/** Claims of a Current Customer JWT, as BigCommerce issues them; every field can be overridden. */
export function customerClaims(customerId: number, overrides: Record<string, unknown> = {}) {
  const iat = Math.floor(Date.now() / 1000);
  return {
    customer: { id: customerId, email: `shopper${customerId}@example.com`, group_id: '0' },
    iss: 'bc/apps',
    sub: STORE_HASH,
    iat,
    exp: iat + 900,
    version: 1,
    aud: CLIENT_ID,
    application_id: CLIENT_ID,
    store_hash: STORE_HASH,
    operation: 'current_customer',
    // Not a BigCommerce claim: makes every test token distinct.
    test_serial: ++serial,
    ...overrides,
  };
}

const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** An HS512 JWT signed like BigCommerce's (the browser SDK cannot verify it and does not try). */
export function makeJwt(customerId: number, overrides: Record<string, unknown> = {}): string {
  const body =
    encode({ typ: 'JWT', alg: 'HS512' }) + '.' + encode(customerClaims(customerId, overrides));
  return body + '.' + createHmac('sha512', 'test-secret').update(body).digest('base64url');
}
