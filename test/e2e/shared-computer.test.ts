import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { describeInChromium } from './support/chromium.js';
import {
  SHOPPER_1,
  SHOPPER_2,
  bearerCustomerId,
  decodeJwtPayload,
  LONG_TOKEN_AGE_MS,
  STORE_HASH,
} from './support/demo-servers.js';
import { apiRequestsAfter, callInPage, lastSeq } from './support/page-calls.js';
import { useStoreInChromium } from './support/store-fixture.js';
import { loggedEvents, openWatchedPage, signInThroughForm } from './support/store-page.js';

/** The customer ids named by the tokens of the API requests recorded after `seq`, sockets included. */
function customersCalledAfter(requests: ReturnType<typeof apiRequestsAfter>): number[] {
  return requests.map((entry) => {
    const token = entry.upgrade ? entry.query.get('token') : undefined;
    return token
      ? decodeJwtPayload(token).customer.id
      : (bearerCustomerId(entry.authorization) ?? 0);
  });
}

describeInChromium(
  'scenario 6: a shared computer — another shopper signs in in another tab',
  () => {
    const store = useStoreInChromium({ demo: { maxTokenAgeMs: LONG_TOKEN_AGE_MS } });

    async function shopper1InTabA(): Promise<Page> {
      const { demo } = store;
      const tabA = (await openWatchedPage(store.context)).page;
      await signInThroughForm(tabA, demo.storefront.origin, SHOPPER_1.email, SHOPPER_1.password);
      // A cached token for shopper 1, reused for the next minute unless an identity event drops it.
      expect(await callInPage(tabA, `${demo.api.origin}/points`)).toMatchObject({ status: 200 });
      return tabA;
    }

    it("6. log out and sign in as shopper 2 in tab B: tab A's next call is made as shopper 2", async () => {
      const { demo } = store;
      const tabA = await shopper1InTabA();
      const socketA = demo.api.sockets.at(-1)!;

      // Tab B opens as shopper 1 (its own calls carry shopper 1's token), then logs out.
      const tabB = (await openWatchedPage(store.context)).page;
      await tabB.goto(demo.storefront.url);
      await Promise.all([tabB.waitForURL(demo.storefront.url), tabB.click('#logout-link')]);
      const switchedAt = lastSeq(demo.api.requests);
      await signInThroughForm(tabB, demo.storefront.origin, SHOPPER_2.email, SHOPPER_2.password);

      await expect.poll(() => socketA.closedAt).toBeDefined();
      expect(socketA.customerId).toBe(1);
      const outcome = await callInPage(tabA, `${demo.api.origin}/points`);
      expect(outcome).toMatchObject({
        status: 200,
        body: { customerId: 2, email: SHOPPER_2.email },
      });
      await expect.poll(() => loggedEvents(tabA)).toContain('customerchange');
      expect(customersCalledAfter(apiRequestsAfter(demo, switchedAt))).not.toContain(1);
    });

    it("6. tab A's store page says that the balance it now shows is shopper 2's", async () => {
      const { demo } = store;
      const tabA = await shopper1InTabA();
      const tabB = (await openWatchedPage(store.context)).page;
      await tabB.goto(demo.storefront.url);
      await Promise.all([tabB.waitForURL(demo.storefront.url), tabB.click('#logout-link')]);
      await signInThroughForm(tabB, demo.storefront.origin, SHOPPER_2.email, SHOPPER_2.password);

      // Tab A was rendered for shopper 1 and still says so at the top; its balance is shopper 2's.
      await tabA.click('#refresh-button');
      const balance2 = String(demo.api.ledger.getPoints(STORE_HASH, SHOPPER_2.id));
      await expect.poll(() => tabA.textContent('#points')).toBe(balance2);
      expect(await tabA.textContent('#who')).toContain(SHOPPER_1.email);
      expect(await tabA.textContent('#points-status')).toContain(SHOPPER_2.email);
    });

    it('6. sign in as shopper 2 in tab B over shopper 1 (no logout): customerchange in tab A', async () => {
      const { demo } = store;
      const tabA = await shopper1InTabA();
      const socketA = demo.api.sockets.at(-1)!;
      const switchedAt = lastSeq(demo.api.requests);

      const tabB = (await openWatchedPage(store.context)).page;
      await signInThroughForm(tabB, demo.storefront.origin, SHOPPER_2.email, SHOPPER_2.password);

      await expect.poll(() => loggedEvents(tabA)).toContain('customerchange');
      await expect.poll(() => socketA.closedAt).toBeDefined();
      const outcome = await callInPage(tabA, `${demo.api.origin}/points`);
      expect(outcome).toMatchObject({
        status: 200,
        body: { customerId: 2, email: SHOPPER_2.email },
      });
      expect(customersCalledAfter(apiRequestsAfter(demo, switchedAt))).not.toContain(1);
    });
  },
);
