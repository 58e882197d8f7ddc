import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CustomerAuthEventName } from '../../src/browser/index.js';
import { newClient, setPageUrl } from './helpers/page.js';
import { startServer, type TestServer } from './helpers/storefront.js';

let server: TestServer;

beforeEach(async () => {
  server = await startServer();
  setPageUrl(server.origin + '/');
});
afterEach(() => server.close());

describe('on()', () => {
  it('emits token with the unverified customer summary, and unsubscribes', async () => {
    const auth = newClient({ allowedOrigins: [] });
    const seen: unknown[] = [];
    const off = auth.on('token', (detail) => seen.push(detail));
    await auth.getToken();
    off();
    await auth.getToken({ force: true });
    expect(seen).toEqual([
      { customer: { id: 1, email: 'shopper1@example.com', groupId: '0', storeHash: 'abc123' } },
    ]);
  });

  it('throws a TypeError for an unknown event or a listener that is not a function', () => {
    const auth = newClient({ allowedOrigins: [] });
    expect(() => auth.on('loguot' as CustomerAuthEventName, () => undefined)).toThrow(
      'bc-customer-auth: invalid listener for loguot',
    );
    expect(() => auth.on('logout', 'nope' as unknown as () => void)).toThrow(TypeError);
    // Only the four names: not another DOM event's, an inherited member's, another case or none.
    for (const name of ['abort', 'toString', '__proto__', 'Token', '']) {
      expect(() => auth.on(name as CustomerAuthEventName, () => undefined)).toThrow(TypeError);
    }
  });

  it('an invalidate listener that throws does not silence later invalidate events', async () => {
    const auth = newClient({ allowedOrigins: [] });
    const reasons: string[] = [];
    let calls = 0;
    auth.on('invalidate', () => {
      if (!calls++) throw new Error('listener bug');
    });
    auth.on('invalidate', ({ reason }) => reasons.push(reason));
    await auth.getToken();
    // Browsers report a listener's error; vitest's happy-dom rethrows it from dispatchEvent.
    expect(() => {
      auth.invalidate();
    }).toThrow('listener bug');
    auth.invalidate();
    expect(reasons).toEqual(['invalidate']);
    await auth.getToken();
    expect(server.tokenRequests).toHaveLength(2);
  });

  it('destroy() removes every listener: an invalidate() after it is heard by none', async () => {
    const auth = newClient({ allowedOrigins: [] });
    const reasons: string[] = [];
    auth.on('invalidate', ({ reason }) => reasons.push(reason));
    await auth.getToken();
    auth.destroy();
    auth.invalidate();
    expect(reasons).toEqual([]);
  });

  it('lets methods be used without their object', async () => {
    const { getToken, getCustomer, on, invalidate } = newClient({ allowedOrigins: [] });
    const reasons: string[] = [];
    on('invalidate', ({ reason }) => reasons.push(reason));
    await getToken();
    invalidate();
    expect(getCustomer()?.id).toBe(1);
    expect(reasons).toEqual(['invalidate']);
  });
});
