import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createLoyaltyApi, type LoyaltyApi } from '../../demo/loyalty-api.js';
import { createStorefront, type Storefront } from '../../demo/storefront.js';
import { describeInChromium, launchChromium } from './support/chromium.js';
import { CLIENT_ID, CLIENT_SECRET, SHOPPER_1, STORE_HASH } from './support/demo-servers.js';
import { openWatchedPage, signInThroughForm } from './support/store-page.js';

describeInChromium('the store page reopens a live socket closed with 4401 (token expired)', () => {
  let browser: Browser;
  let storefront: Storefront;
  let api: LoyaltyApi;
  // How old a token is when the storefront serves it: BigCommerce may serve one from its cache.
  let servedAfterMs = 0;

  beforeAll(async () => {
    const app = { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, storeHash: STORE_HASH };
    let apiOrigin = '';
    const now = () => Date.now() - servedAfterMs;
    storefront = await createStorefront({ ...app, apiOrigin: () => apiOrigin, now });
    api = await createLoyaltyApi({ ...app, storefrontOrigin: storefront.origin });
    apiOrigin = api.origin;
    browser = await launchChromium();
  });
  afterAll(async () => {
    await Promise.all([browser?.close(), storefront?.close(), api?.close()]);
  });

  /** Signs shopper 1 in in a new context and waits for `closes` sockets closed with 4401. */
  async function watchExpiries(closes: number): Promise<void> {
    const context = await browser.newContext();
    try {
      const { page } = await openWatchedPage(context);
      // Not settled: a live socket that closes at once may never be seen open.
      await signInThroughForm(page, storefront.origin, SHOPPER_1.email, SHOPPER_1.password, {
        settle: false,
      });
      const expired = () => api.sockets.filter((socket) => socket.closeCode === 4401).length;
      await expect.poll(expired, { timeout: 20_000 }).toBeGreaterThanOrEqual(closes);
    } finally {
      await context.close();
    }
  }

  it('with a new token each time, never again with the one that expired', async () => {
    servedAfterMs = 898_000; // every token has 2 s left
    await watchExpiries(2);
    const tokens = api.requests
      .filter((entry) => entry.upgrade)
      .map((entry) => entry.query.get('token'));
    expect(new Set(tokens).size).toBe(tokens.length);
  });

  it('waits longer each time when every socket closes at once, instead of looping', async () => {
    // Every token expired 5 s ago: inside the API's clock tolerance, so each handshake succeeds
    // and each socket closes at once.
    servedAfterMs = 905_000;
    api.sockets.length = 0;
    await watchExpiries(3);
    const [first, second, third] = api.sockets.map((socket) => socket.openedAt);
    // 1 s, then 2 s between reopenings; a loop would reopen within milliseconds.
    expect(second! - first!).toBeGreaterThanOrEqual(1_000);
    expect(third! - second!).toBeGreaterThanOrEqual(2_000);
  });
});
