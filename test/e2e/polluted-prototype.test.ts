import { expect, it } from 'vitest';
import { describeInChromium } from './support/chromium.js';
import { SHOPPER_1, bearerCustomerId } from './support/demo-servers.js';
import { apiRequestsAfter, callInPage, jwtRequests, markRequests } from './support/page-calls.js';
import { useStoreInChromium } from './support/store-fixture.js';
import { openWatchedPage, signInThroughForm, type StoreWindow } from './support/store-page.js';

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

  it('supplies no request setting: the token endpoint and the API get GETs with the shopper’s token', async () => {
    const { demo } = store;
    const { page, pageErrors } = await openWatchedPage(store.context);
    await signInThroughForm(page, demo.storefront.origin, SHOPPER_1.email, SHOPPER_1.password);
    const mark = markRequests(demo);

    // Polluted only while the call runs: Chromium reads every RequestInit member through the
    // prototype, so an init the SDK builds would otherwise carry these.
    const outcome = await page.evaluate(async (url) => {
      const { bcAuthFetch, BcCustomerAuth } = window as unknown as StoreWindow;
      // The call asks for a token under the pollution too.
      BcCustomerAuth.getDefaultClient().invalidate();
      const prototype = Object.prototype as Record<string, unknown>;
      const pollution = {
        method: 'DELETE',
        body: '{"all":true}',
        headers: { Authorization: 'Bearer attacker.token.here' },
      };
      Object.assign(prototype, pollution);
      try {
        return (await bcAuthFetch(url)).status;
      } catch (error) {
        return (error as { code?: string }).code ?? String(error);
      } finally {
        for (const name of Object.keys(pollution)) Reflect.deleteProperty(prototype, name);
      }
    }, `${demo.api.origin}/points`);

    expect(outcome).toBe(200);
    // The call's token request, and the check of the page's live-points stream after invalidate().
    const asked = jwtRequests(demo).slice(mark.jwtCount);
    expect(asked.length).toBeGreaterThan(0);
    expect(asked.filter(({ method }) => method != 'GET')).toEqual([]);
    const calls = apiRequestsAfter(demo, mark.apiSeq);
    expect(calls.map(({ method, path }) => [method, path])).toEqual([['GET', '/points']]);
    expect(bearerCustomerId(calls[0]?.authorization)).toBe(1);
    expect(pageErrors).toEqual([]);
  });
});
