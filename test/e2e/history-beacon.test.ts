import { expect, it } from 'vitest';
import { describeInChromium } from './support/chromium.js';
import { LONG_TOKEN_AGE_MS, SHOPPER_1 } from './support/demo-servers.js';
import { callInPage } from './support/page-calls.js';
import { notices, recordNotices } from './support/sdk-copies.js';
import { useStoreInChromium } from './support/store-fixture.js';
import {
  loggedEvents,
  openWatchedPage,
  signInThroughForm,
  waitForStorePage,
} from './support/store-page.js';

describeInChromium('a page Back brings from the HTTP cache', () => {
  // The back/forward cache off (Playwright's default), as for a page with an `unload` handler: Back
  // loads the page again, and Chromium takes a `no-cache` page from its HTTP cache unrevalidated.
  const store = useStoreInChromium({ demo: { maxTokenAgeMs: LONG_TOKEN_AGE_MS } });

  it('sends no beacon for whoever it was rendered for: the other tabs stay signed in', async () => {
    const { demo, context } = store;
    // Tab A: the store page as a guest, then the sign-in form (rendered for a guest), then signed in.
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
    // The sign-in form as it was rendered, for a guest, though shopper 1 is signed in: it came from
    // the cache, not from the storefront.
    expect(await tabA.getAttribute('body', 'data-customer-id')).toBe('');
    expect(demo.storefront.requests.slice(served).map(({ path }) => path)).not.toContain(
      '/login.php',
    );
    // A page loaded afresh: its beacon comes after anything the cached page posted.
    await tabA.goto(demo.storefront.url);
    await expect.poll(async () => (await notices(tabB)).slice(heard)).toContain('c1');

    expect((await notices(tabB)).slice(heard)).toEqual(['c1']);
    expect((await loggedEvents(tabB)).slice(events)).toEqual([]);
    expect(socketB.closeCode).toBeUndefined();
    expect(await callInPage(tabB, `${demo.api.origin}/points`)).toMatchObject({ status: 200 });
  });
});
