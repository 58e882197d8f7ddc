import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { describeInChromium } from './support/chromium.js';
import { LONG_TOKEN_AGE_MS, SHOPPER_1 } from './support/demo-servers.js';
import { callInPage } from './support/page-calls.js';
import { notices, recordNotices } from './support/sdk-copies.js';
import { type StoreFixture, useStoreInChromium } from './support/store-fixture.js';
import {
  loggedEvents,
  openWatchedPage,
  signInThroughForm,
  waitForStorePage,
} from './support/store-page.js';

/**
 * Tab A: the store page as a guest, the sign-in form (rendered for a guest), then signed in as
 * shopper 1; tab B: the store page as shopper 1. Then tab A goes Back to the sign-in form, and
 * `check` runs. Afterwards, tab B must have heard only the beacons `expected` plus the one from a
 * page tab A loads afresh, and still be signed in, its socket open.
 */
async function goBackToSignInForm(
  { demo, context }: StoreFixture,
  expected: string[],
  check: (tabA: Page, served: string[]) => Promise<void>,
): Promise<void> {
  const { page: tabA } = await openWatchedPage(context);
  await tabA.goto(demo.storefront.url);
  await waitForStorePage(tabA);
  await signInThroughForm(tabA, demo.storefront.origin, SHOPPER_1.email, SHOPPER_1.password);
  const { page: tabB } = await openWatchedPage(context);
  await recordNotices(tabB);
  await tabB.goto(demo.storefront.url);
  await waitForStorePage(tabB);
  const socketB = demo.api.sockets.at(-1)!;
  const [events, heard, served] = [
    (await loggedEvents(tabB)).length,
    (await notices(tabB)).length,
    demo.storefront.requests.length,
  ];

  await tabA.goBack();
  await check(
    tabA,
    demo.storefront.requests.slice(served).map(({ method, path }) => `${method} ${path}`),
  );
  // A page loaded afresh: its beacon comes after anything the page loaded by Back posted.
  await tabA.goto(demo.storefront.url);
  const told = async () => (await notices(tabB)).slice(heard);
  await expect.poll(async () => (await told()).length).toBeGreaterThan(expected.length);

  expect(await told()).toEqual([...expected, 'c1']);
  expect((await loggedEvents(tabB)).slice(events)).toEqual([]);
  expect(socketB.closeCode).toBeUndefined();
  expect(await callInPage(tabB, `${demo.api.origin}/points`)).toMatchObject({ status: 200 });
}

// The back/forward cache off (Playwright's default), as for a page with an `unload` handler: Back
// loads the page again.
describeInChromium('a page Back brings from the HTTP cache', () => {
  // Chromium takes a `no-cache` page (the demo's default) from its HTTP cache unrevalidated.
  const store = useStoreInChromium({ demo: { maxTokenAgeMs: LONG_TOKEN_AGE_MS } });

  it('sends no beacon for whoever it was rendered for: the other tabs stay signed in', async () => {
    await goBackToSignInForm(store, [], async (tabA, served) => {
      // The sign-in form as it was rendered, for a guest, though shopper 1 is signed in: it came
      // from the cache, not from the storefront.
      expect(await tabA.getAttribute('body', 'data-customer-id')).toBe('');
      expect(served).not.toContain('GET /login.php');
    });
  });
});

describeInChromium('a page Back brings from the network (no-store)', () => {
  const store = useStoreInChromium({
    demo: { maxTokenAgeMs: LONG_TOKEN_AGE_MS, pageCacheControl: 'private, no-store' },
  });

  it('sends its beacon, rendered for the shopper signed in now', async () => {
    await goBackToSignInForm(store, ['c1'], async (tabA, served) => {
      expect(served).toContain('GET /login.php');
      expect(await tabA.getAttribute('body', 'data-customer-id')).toBe('1');
    });
  });
});
