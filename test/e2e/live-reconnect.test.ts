import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createLoyaltyApi, type LoyaltyApi } from '../../demo/loyalty-api.js';
import { createStorefront, type Storefront } from '../../demo/storefront.js';
import { describeInChromium, launchChromium } from './support/chromium.js';
import { CLIENT_ID, CLIENT_SECRET, SHOPPER_1, STORE_HASH } from './support/demo-servers.js';
import { openWatchedPage, signInThroughForm } from './support/store-page.js';

// BigCommerce may serve a token from its cache, `iat` minutes old: here every token has 2 s left.
const SERVED_AFTER_MS = 898_000;

describeInChromium('the store page reopens a live socket closed with 4401 (token expired)', () => {
  let browser: Browser;
  let storefront: Storefront;
  let api: LoyaltyApi;

  beforeAll(async () => {
    const app = { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, storeHash: STORE_HASH };
    let apiOrigin = '';
    const now = () => Date.now() - SERVED_AFTER_MS;
    storefront = await createStorefront({ ...app, apiOrigin: () => apiOrigin, now });
    api = await createLoyaltyApi({ ...app, storefrontOrigin: storefront.origin });
    apiOrigin = api.origin;
    browser = await launchChromium();
  });
  afterAll(async () => {
    await Promise.all([browser?.close(), storefront?.close(), api?.close()]);
  });

  it('with a new token each time, never again with the one that expired', async () => {
    const context = await browser.newContext();
    try {
      const { page } = await openWatchedPage(context);
      await signInThroughForm(page, storefront.origin, SHOPPER_1.email, SHOPPER_1.password);
      const expired = () => api.sockets.filter((socket) => socket.closeCode === 4401).length;
      await expect.poll(expired, { timeout: 20_000 }).toBeGreaterThanOrEqual(2);

      const tokens = api.requests
        .filter((entry) => entry.upgrade)
        .map((entry) => entry.query.get('token'));
      expect(new Set(tokens).size).toBe(tokens.length);
    } finally {
      await context.close();
    }
  });
});
