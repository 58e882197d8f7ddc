import { expect, it } from 'vitest';
import { describeInChromium } from './support/chromium.js';
import { CLIENT_ID, SHOPPER_2, bearerCustomerId } from './support/demo-servers.js';
import { apiRequestsAfter, callInPage, jwtRequests, lastSeq } from './support/page-calls.js';
import { useStoreInChromium } from './support/store-fixture.js';
import { openWatchedPage, signedInPage } from './support/store-page.js';

describeInChromium('scenarios 1–2: a signed-in shopper and a guest', () => {
  const store = useStoreInChromium();

  it("1. bcAuthFetch carries a bearer token and the API answers that shopper's points", async () => {
    const { demo } = store;
    const { page } = await signedInPage(store, { shopper: SHOPPER_2 });
    const since = lastSeq(demo.api.requests);
    const jwtBefore = jwtRequests(demo).length;

    const outcome = await callInPage(page, `${demo.api.origin}/points`);

    expect(outcome).toEqual({
      status: 200,
      body: {
        storeHash: 'abc123',
        customerId: 2,
        email: SHOPPER_2.email,
        points: demo.api.ledger.getPoints('abc123', 2),
      },
    });
    const [call, ...others] = apiRequestsAfter(demo, since).filter(
      (entry) => entry.method === 'GET',
    );
    expect(others).toEqual([]);
    expect(call?.authorization).toMatch(/^Bearer [\w-]+\.[\w-]+\.[\w-]+$/);
    expect(bearerCustomerId(call?.authorization)).toBe(2);
    expect(call?.origin).toBe(demo.storefront.origin);
    expect(call?.cookie).toBeUndefined();
    // The token came from the storefront's own endpoint, asked for with the session cookie.
    for (const request of jwtRequests(demo).slice(jwtBefore)) {
      expect(request.query.get('app_client_id')).toBe(CLIENT_ID);
      expect(request.cookie).toMatch(/SHOP_SESSION_TOKEN=/);
    }
  });

  it('1. the store page shows the balance it fetched and the token event', async () => {
    const { demo } = store;
    const { page } = await signedInPage(store);
    await expect
      .poll(() => page.textContent('#points'))
      .toBe(String(demo.api.ledger.getPoints('abc123', 1)));
    await expect
      .poll(() => page.locator('#event-log li[data-event="token"]').count())
      .toBeGreaterThan(0);
  });

  it('2. a guest call rejects with NOT_SIGNED_IN and the API receives nothing', async () => {
    const { demo } = store;
    const { page } = await openWatchedPage(store.context);
    await page.goto(demo.storefront.url);
    const since = lastSeq(demo.api.requests);
    const jwtBefore = jwtRequests(demo).length;

    const outcome = await callInPage(page, `${demo.api.origin}/points`);

    expect(outcome.error).toMatchObject({ name: 'NotSignedInError', code: 'NOT_SIGNED_IN' });
    expect(apiRequestsAfter(demo, since)).toEqual([]);
    const asked = jwtRequests(demo).slice(jwtBefore);
    expect(asked.map((entry) => entry.status)).toEqual([404]);
  });

  it('2. a guest redeem rejects the same way and spends nothing', async () => {
    const { demo } = store;
    const { page } = await openWatchedPage(store.context);
    await page.goto(demo.storefront.url);
    const since = lastSeq(demo.api.requests);
    const outcome = await callInPage(page, `${demo.api.origin}/points/redeem`, {
      method: 'POST',
      body: JSON.stringify({ points: 1 }),
    });
    expect(outcome.error?.code).toBe('NOT_SIGNED_IN');
    expect(apiRequestsAfter(demo, since)).toEqual([]);
  });
});
