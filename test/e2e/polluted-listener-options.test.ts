import { expect, it } from 'vitest';
import { describeInChromium } from './support/chromium.js';
import { CLOSE_CODE_LOGOUT, LONG_TOKEN_AGE_MS, SHOPPER_1 } from './support/demo-servers.js';
import { callInPage, expectNotSignedInCall } from './support/page-calls.js';
import { useStoreInChromium } from './support/store-fixture.js';
import { openWatchedPage, signInThroughForm, waitForStorePage } from './support/store-page.js';

describeInChromium('a polluted Object.prototype.once in the store page', () => {
  const store = useStoreInChromium({ demo: { maxTokenAgeMs: LONG_TOKEN_AGE_MS } });

  it("still hears another tab's logout after a first notice", async () => {
    const { demo, context } = store;
    const tabA = (await openWatchedPage(context)).page;
    // A prototype-pollution bug in another script, before the script tag runs: every
    // addEventListener options object without its own `once` now means `once: true`.
    await tabA.addInitScript(() => {
      (Object.prototype as Record<string, unknown>)['once'] = true;
    });
    await signInThroughForm(tabA, demo.storefront.origin, SHOPPER_1.email, SHOPPER_1.password);
    const socketA = demo.api.sockets.at(-1)!;
    expect(await callInPage(tabA, `${demo.api.origin}/points`)).toMatchObject({ status: 200 });

    // Tab B's page-load beacon is a first notice for tab A (same shopper: nothing changes)…
    const tabB = (await openWatchedPage(context)).page;
    await tabB.goto(demo.storefront.url);
    await waitForStorePage(tabB);
    // …then tab B signs out.
    await Promise.all([tabB.waitForURL(demo.storefront.url), tabB.click('#logout-link')]);
    await tabB.waitForSelector('body[data-customer-id=""]');
    await waitForStorePage(tabB);

    await expect.poll(() => socketA.closeCode).toBe(CLOSE_CODE_LOGOUT);
    await expectNotSignedInCall(tabA, demo, undefined, { askedTwice: true });
  });
});
