import { expect, it } from 'vitest';
import { describeInChromium } from './support/chromium.js';
import { SHOPPER_1, bearerCustomerId } from './support/demo-servers.js';
import { apiRequestsAfter, callInPage, jwtRequests, lastSeq } from './support/page-calls.js';
import { useStoreInChromium } from './support/store-fixture.js';
import { openWatchedPage, signInThroughForm, type StoreWindow } from './support/store-page.js';

const MAX_TOKEN_AGE_MS = 5000;

describeInChromium(
  'scenario 3: one token request for many calls, a new one after maxTokenAgeMs',
  () => {
    const store = useStoreInChromium({ demo: { maxTokenAgeMs: MAX_TOKEN_AGE_MS } });

    it('50 concurrent calls make exactly one JWT request; a call after maxTokenAgeMs makes another', async () => {
      const { demo } = store;
      const { page } = await openWatchedPage(store.context);
      // The page's clocks (Date and performance) are fake from the first document on; they still
      // run, and fastForward jumps them without waiting.
      await page.clock.install();
      await signInThroughForm(page, demo.storefront.origin, SHOPPER_1.email, SHOPPER_1.password);
      // Age out the token the page fetched while loading, so the burst starts from an empty cache,
      // and stop the clocks there: from now on only fastForward moves them, so the token ages by
      // exactly the steps below, however long a loaded machine takes between them.
      const pageNow = await page.evaluate(() => Date.now());
      await page.clock.pauseAt(pageNow + MAX_TOKEN_AGE_MS + 1);
      const jwtBefore = jwtRequests(demo).length;
      const since = lastSeq(demo.api.requests);

      const statuses = await page.evaluate(async (url) => {
        const store = window as unknown as StoreWindow;
        const calls = Array.from({ length: 50 }, () =>
          store.bcAuthFetch(url).then((r) => r.status),
        );
        return Promise.all(calls);
      }, `${demo.api.origin}/points`);

      expect(statuses).toEqual(Array.from({ length: 50 }, () => 200));
      expect(jwtRequests(demo).length - jwtBefore).toBe(1);
      const burst = apiRequestsAfter(demo, since).filter((entry) => entry.method === 'GET');
      expect(burst).toHaveLength(50);
      expect(new Set(burst.map((entry) => entry.authorization)).size).toBe(1);
      expect(bearerCustomerId(burst[0]?.authorization)).toBe(1);

      // Still within maxTokenAgeMs: the cached token is reused.
      await page.clock.fastForward(MAX_TOKEN_AGE_MS - 1000);
      expect(await callInPage(page, `${demo.api.origin}/points`)).toMatchObject({ status: 200 });
      expect(jwtRequests(demo).length - jwtBefore).toBe(1);

      // Past maxTokenAgeMs: exactly one new request.
      await page.clock.fastForward(1001);
      expect(await callInPage(page, `${demo.api.origin}/points`)).toMatchObject({ status: 200 });
      expect(jwtRequests(demo).length - jwtBefore).toBe(2);
      expect(jwtRequests(demo).at(-1)?.status).toBe(200);
    });
  },
);
