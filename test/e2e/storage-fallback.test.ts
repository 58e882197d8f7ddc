import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { describeInChromium } from './support/chromium.js';
import { CLIENT_ID, LONG_TOKEN_AGE_MS, SHOPPER_1 } from './support/demo-servers.js';
import { useStoreInChromium } from './support/store-fixture.js';
import {
  openWatchedPage,
  signInThroughForm,
  waitForStorePage,
  type StoreWindow,
} from './support/store-page.js';

/** What a tab records: its client's events and every `storage` event the page received. */
interface FallbackWindow extends StoreWindow {
  __fallback: ReturnType<StoreWindow['BcCustomerAuth']['createCustomerAuth']>;
  __events: string[];
  __storage: { key: string | null; newValue: string | null }[];
}

describeInChromium('the storage-event fallback between real tabs', () => {
  const store = useStoreInChromium({ demo: { maxTokenAgeMs: LONG_TOKEN_AGE_MS } });

  /**
   * A store tab with a client of its own that has no BroadcastChannel (`BroadcastChannel: null`),
   * as in a browser without one: its notices go through `storage` events. The page's script-tag
   * client keeps its channel, which this client neither hears nor is heard by.
   */
  async function fallbackTab(customerId?: number | '') {
    const { page, pageErrors } = await openWatchedPage(store.context);
    await page.goto(store.demo.storefront.url);
    await waitForStorePage(page);
    await page.evaluate(
      ([appClientId, customer]) => {
        const store = window as unknown as FallbackWindow;
        store.__events = [];
        store.__storage = [];
        window.addEventListener('storage', ({ key, newValue }) => {
          store.__storage.push({ key, newValue });
        });
        const client = store.BcCustomerAuth.createCustomerAuth({
          appClientId,
          allowedOrigins: [],
          BroadcastChannel: null,
          ...(customer === null ? {} : { customerId: customer }),
        });
        for (const name of ['invalidate', 'logout', 'customerchange'] as const) {
          client.on(name, (detail) =>
            store.__events.push('reason' in detail ? `${name}:${detail.reason}` : name),
          );
        }
        store.__fallback = client;
      },
      [CLIENT_ID, customerId ?? null] as const,
    );
    return { page, pageErrors };
  }

  const events = (page: Page) =>
    page.evaluate(() => (window as unknown as FallbackWindow).__events);
  const storage = (page: Page) =>
    page.evaluate(() => (window as unknown as FallbackWindow).__storage);

  it('carries invalidate() and a guest page-load beacon to the other tab, and leaves nothing in storage', async () => {
    const { demo } = store;
    const { page: signIn } = await openWatchedPage(store.context);
    await signInThroughForm(signIn, demo.storefront.origin, SHOPPER_1.email, SHOPPER_1.password);
    const { page: tabA, pageErrors } = await fallbackTab();
    const { page: tabB } = await fallbackTab();
    const jwt = await tabB.evaluate(() =>
      (window as unknown as FallbackWindow).__fallback.getToken(),
    );

    await tabA.evaluate(() => {
      // Another script's key, whose value reads like a notice: not one.
      localStorage.setItem('theme:banner', 'c2');
      localStorage.removeItem('theme:banner');
      (window as unknown as FallbackWindow).__fallback.invalidate();
    });
    await expect.poll(() => events(tabB)).toEqual(['invalidate:tab']);
    // Nobody was signed out: the other tab asks again and gets the same shopper.
    const again = await tabB.evaluate(async () => {
      const { __fallback: client } = window as unknown as FallbackWindow;
      await client.getToken();
      return client.getCustomer()?.id;
    });
    expect(again).toBe(1);

    // A page rendered for a guest (say, after a logout this tab never saw): the tab holding a
    // token signs out.
    await fallbackTab('');
    await expect
      .poll(() => events(tabB))
      .toEqual(['invalidate:tab', 'invalidate:logout', 'logout']);

    // Each notice was a storage event whose value is a notice and a random nonce, removed at once
    // (the removal is an event of its own, which may come after the one the client acted on).
    await expect
      .poll(async () =>
        (await storage(tabB)).map(
          ({ newValue }) => newValue && newValue.replace(/ 0\.\d+$/, ' nonce'),
        ),
      )
      .toEqual(['c2', null, 'i nonce', null, 'c nonce', null]);
    const seen = await storage(tabB);
    expect(seen.map(({ key }) => key)).toEqual([
      'theme:banner',
      'theme:banner',
      `bc-customer-auth:${CLIENT_ID}`,
      `bc-customer-auth:${CLIENT_ID}`,
      `bc-customer-auth:${CLIENT_ID}`,
      `bc-customer-auth:${CLIENT_ID}`,
    ]);
    for (const { newValue } of seen) expect(newValue ?? '').not.toContain(jwt.split('.')[1]);
    for (const tab of [tabA, tabB]) {
      expect(await tab.evaluate(() => localStorage.length)).toBe(0);
    }
    expect(pageErrors).toEqual([]);
  });
});
