import { expect, it } from 'vitest';
import { describeInChromium } from './support/chromium.js';
import { SHOPPER_1, bearerCustomerId } from './support/demo-servers.js';
import { useStoreInChromium } from './support/store-fixture.js';
import { openWatchedPage, signInThroughForm, type StoreWindow } from './support/store-page.js';

describeInChromium('smoke: the demo store in Chromium', () => {
  const store = useStoreInChromium();

  it('loads the script-tag build under the nonce CSP without errors or violations', async () => {
    const watched = await openWatchedPage(store.context);
    const response = await watched.page.goto(store.demo.storefront.url);
    expect(response?.headers()['content-security-policy']).toMatch(/script-src 'nonce-[^']+'/);
    const globals = await watched.page.evaluate(() => {
      const page = window as unknown as StoreWindow;
      return {
        fetch: typeof page.bcAuthFetch,
        webSocket: typeof page.bcAuthWebSocket,
        eventSource: typeof page.bcAuthEventSource,
        defaultClient: typeof page.BcCustomerAuth.getDefaultClient(),
      };
    });
    expect(globals).toEqual({
      fetch: 'function',
      webSocket: 'function',
      eventSource: 'function',
      defaultClient: 'object',
    });
    expect(await watched.cspViolations()).toEqual([]);
    expect(watched.consoleErrors).toEqual([]);
    expect(watched.pageErrors).toEqual([]);
  });

  it('signs in through the real form and shows the balance the API served', async () => {
    const { demo } = store;
    const watched = await openWatchedPage(store.context);
    const before = demo.api.requests.length;
    await signInThroughForm(
      watched.page,
      demo.storefront.origin,
      SHOPPER_1.email,
      SHOPPER_1.password,
    );

    const balance = String(demo.api.ledger.getPoints('abc123', 1));
    await expect.poll(() => watched.page.textContent('#points')).toBe(balance);
    await expect.poll(() => watched.page.textContent('#live-status')).toBe('live');
    expect(await watched.page.textContent('#who')).toContain(SHOPPER_1.email);

    const get = demo.api.requests
      .slice(before)
      .find((entry) => entry.path === '/points' && entry.method === 'GET');
    expect(get?.origin).toBe(demo.storefront.origin);
    expect(bearerCustomerId(get?.authorization)).toBe(1);
    expect(get?.status).toBe(200);
    expect(await watched.cspViolations()).toEqual([]);
    expect(watched.consoleErrors).toEqual([]);
    expect(watched.pageErrors).toEqual([]);
  });
});
