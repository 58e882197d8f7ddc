import { expect, it } from 'vitest';
import { describeInChromium } from './support/chromium.js';
import { CLOSE_CODE_LOGOUT, LONG_TOKEN_AGE_MS, SHOPPER_1 } from './support/demo-servers.js';
import { useStoreInChromium } from './support/store-fixture.js';
import {
  loggedEvents,
  openWatchedPage,
  signInThroughForm,
  waitForStorePage,
  withoutBeacon,
} from './support/store-page.js';

describeInChromium(
  'a logout link inside a shadow root, in a browser without the Navigation API',
  () => {
    // Long enough that only an identity event, never age, can drop the cached token here.
    const store = useStoreInChromium({ demo: { maxTokenAgeMs: LONG_TOKEN_AGE_MS } });

    it("signs the other tabs out: tab A's socket closes with the logout code", async () => {
      const { demo, context } = store;
      // Only the click can tell tab A: no page-load beacon, no `navigate` events (as in browsers
      // that lack the Navigation API).
      await withoutBeacon(context);
      await context.addInitScript(() => {
        Object.defineProperty(window, 'navigation', { value: undefined });
      });
      const tabA = (await openWatchedPage(context)).page;
      await signInThroughForm(tabA, demo.storefront.origin, SHOPPER_1.email, SHOPPER_1.password);
      const socketA = demo.api.sockets.at(-1)!;

      const tabB = (await openWatchedPage(context)).page;
      await tabB.goto(demo.storefront.url);
      await waitForStorePage(tabB);
      // The theme's header is a web component: its logout link lives in an open shadow root.
      await tabB.evaluate(() => {
        const header = document.createElement('site-header');
        document.body.prepend(header);
        header.attachShadow({ mode: 'open' }).append(document.getElementById('logout-link')!);
      });
      await Promise.all([tabB.waitForURL(demo.storefront.url), tabB.click('#logout-link')]);

      await expect.poll(() => socketA.closeCode).toBe(CLOSE_CODE_LOGOUT);
      expect(await loggedEvents(tabA)).toContain('logout');
    });
  },
);
