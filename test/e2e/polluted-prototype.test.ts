import { expect, it } from 'vitest';
import { describeInChromium } from './support/chromium.js';
import { SHOPPER_1, bearerCustomerId } from './support/demo-servers.js';
import { apiRequestsAfter, callInPage, markRequests } from './support/page-calls.js';
import { useStoreInChromium } from './support/store-fixture.js';
import { openWatchedPage, signInThroughForm } from './support/store-page.js';

describeInChromium('a polluted Object.prototype in the store page', () => {
  const store = useStoreInChromium();

  it('supplies no script-tag setting for an attribute the tag lacks', async () => {
    const { demo } = store;
    const { page, pageErrors } = await openWatchedPage(store.context);
    // A prototype-pollution bug in another script on the page, before the script tag runs. In a
    // browser, `dataset` falls through to Object.prototype for a missing attribute.
    await page.addInitScript(() => {
      (Object.prototype as Record<string, unknown>)['authHeaderName'] = 'X-Polluted';
    });
    await signInThroughForm(page, demo.storefront.origin, SHOPPER_1.email, SHOPPER_1.password);
    // The pollution is in effect in the page.
    expect(
      await page.evaluate(() => (Object.prototype as Record<string, unknown>)['authHeaderName']),
    ).toBe('X-Polluted');
    const mark = markRequests(demo);

    const outcome = await callInPage(page, `${demo.api.origin}/points`);

    expect(outcome).toMatchObject({ status: 200 });
    const [get] = apiRequestsAfter(demo, mark.apiSeq);
    expect(get).toMatchObject({ path: '/points', method: 'GET', status: 200 });
    expect(bearerCustomerId(get?.authorization)).toBe(1);
    expect(pageErrors).toEqual([]);
  });
});
