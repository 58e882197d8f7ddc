import type { BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeInChromium } from './support/chromium.js';
import {
  CLIENT_ID,
  SHOPPER_1,
  bearerCustomerId,
  LONG_TOKEN_AGE_MS,
} from './support/demo-servers.js';
import { startEventStreamServer, type EventStreamServer } from './support/event-stream-server.js';
import {
  apiRequestsAfter,
  callInPage,
  expectNotSignedInCall,
  lastSeq,
  markRequests,
} from './support/page-calls.js';
import { notices, recordNotices } from './support/sdk-copies.js';
import { useStoreInChromium } from './support/store-fixture.js';
import {
  loggedEvents,
  openWatchedPage,
  signInThroughForm,
  waitForStorePage,
  type StoreWindow,
} from './support/store-page.js';

/**
 * A watched page that marks each `pageshow` on `<html data-restored>` (`true` for a restore from
 * the back/forward cache), removed on `pagehide`, and collects Chromium's reasons for not
 * restoring it.
 */
async function openCachedPage(context: BrowserContext) {
  const { page } = await openWatchedPage(context);
  const cdp = await context.newCDPSession(page);
  await cdp.send('Page.enable');
  const notRestored: string[] = [];
  cdp.on('Page.backForwardCacheNotUsed', (event) => {
    notRestored.push(...event.notRestoredExplanations.map((explanation) => explanation.reason));
  });
  await page.addInitScript(() => {
    window.addEventListener('pageshow', (event) => {
      document.documentElement.dataset['restored'] = String(event.persisted);
    });
    // A restored page still carries the first load's mark: waiting for it must wait for the restore.
    window.addEventListener('pagehide', () => {
      delete document.documentElement.dataset['restored'];
    });
  });
  return { page, notRestored };
}

describeInChromium('scenario 7: back/forward cache', () => {
  let streams: EventStreamServer;
  beforeAll(async () => {
    streams = await startEventStreamServer();
  });
  afterAll(() => streams?.close());
  const store = useStoreInChromium({
    demo: () => ({ maxTokenAgeMs: LONG_TOKEN_AGE_MS, extraConnectOrigins: [streams.origin] }),
    backForwardCache: true,
  });

  it('7. navigate away, log out elsewhere, go back: the restored page uses no stale token', async () => {
    const { demo, context } = store;
    const { page } = await openWatchedPage(context);
    await page.addInitScript(() => {
      window.addEventListener('pageshow', (event) => {
        document.documentElement.dataset['restored'] = String(event.persisted);
      });
    });
    await signInThroughForm(page, demo.storefront.origin, SHOPPER_1.email, SHOPPER_1.password);
    expect(await callInPage(page, `${demo.api.origin}/points`)).toMatchObject({ status: 200 });

    // Away to a page without the SDK, then a logout the page cannot see: the session ends on the
    // server (as after a logout on another device), with no message to any tab.
    await page.goto('about:blank');
    const session = (await context.cookies()).find(
      (cookie) => cookie.name === 'SHOP_SESSION_TOKEN',
    );
    const logout = await fetch(`${demo.storefront.origin}/login.php?action=logout`, {
      headers: { cookie: `SHOP_SESSION_TOKEN=${session?.value}` },
      redirect: 'manual',
    });
    expect(logout.status).toBe(303);

    // Counted from before the restore: the restored page itself must not send a stale token.
    const mark = markRequests(demo);
    await page.goBack({ waitUntil: 'commit' });
    // Restored from the back/forward cache, not reloaded: the page still shows shopper 1.
    await page.waitForSelector('html[data-restored="true"]');
    expect(await page.getAttribute('body', 'data-customer-id')).toBe('1');
    await expect.poll(() => loggedEvents(page)).toContain('invalidate');

    // The restore may ask once more on its own (the page's socket reads open until Chromium
    // reports the close it made on entering the cache): every answer is a 404.
    await expectNotSignedInCall(page, demo, mark, { askedTwice: true });
  });

  it('7b. going back from one store page to another restores it from the cache (no beacon evicts it)', async () => {
    const { demo, context } = store;
    const { page, notRestored } = await openCachedPage(context);
    // A guest is enough: every store page carries the script tag and its page-load beacon.
    await page.goto(demo.storefront.url);
    await waitForStorePage(page);
    await page.goto(`${demo.storefront.origin}/login.php`);
    await page.goBack({ waitUntil: 'commit' });
    await page.waitForSelector('html[data-restored]');
    // The next page's beacon must not reach the cached page's BroadcastChannel: Chromium evicts a
    // cached page whose channel receives a message (BroadcastChannelOnMessage).
    expect(notRestored).toEqual([]);
    expect(await page.getAttribute('html', 'data-restored')).toBe('true');
  });

  it('7c. an event source whose shopper signed out while the page was cached is closed on restore', async () => {
    const { demo, context } = store;
    const { page } = await openWatchedPage(context);
    await signInThroughForm(page, demo.storefront.origin, SHOPPER_1.email, SHOPPER_1.password);
    // An integrator's own client (ESM or the namespace) streaming the shopper's data.
    await page.evaluate(
      async ({ origin, appClientId }) => {
        const store = window as unknown as StoreWindow & { events: string[] };
        const auth = store.BcCustomerAuth.createCustomerAuth({
          appClientId,
          allowedOrigins: [origin],
        });
        store.events = [];
        auth.on('logout', () => store.events.push('logout'));
        const source = await auth.eventSource(`${origin}/balance`);
        await new Promise((resolve) => source.addEventListener('message', resolve, { once: true }));
      },
      { origin: streams.origin, appClientId: CLIENT_ID },
    );
    expect(streams.open.size).toBe(1);

    // Away to a page without the SDK; the session ends where this page cannot see it (another
    // device, a checkout page without the script).
    await page.goto('about:blank');
    const session = (await context.cookies()).find(
      (cookie) => cookie.name === 'SHOP_SESSION_TOKEN',
    );
    await fetch(`${demo.storefront.origin}/login.php?action=logout`, {
      headers: { cookie: `SHOP_SESSION_TOKEN=${session?.value}` },
      redirect: 'manual',
    });
    await page.goBack({ waitUntil: 'commit' });
    await page.waitForFunction(() => document.body?.dataset['customerId'] === '1');

    // Chromium kept the stream open while the page was cached: the restore asks for a token, the
    // 404 signs the shopper out and closes the stream.
    await expect.poll(() => streams.open.size).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { events: string[] }).events)).toEqual([
      'logout',
    ]);
  });

  it('7d. bcAuthFetch with keepalive from a pagehide handler reaches the API, as fetch does', async () => {
    const { demo, context } = store;
    const { page } = await openWatchedPage(context);
    await signInThroughForm(page, demo.storefront.origin, SHOPPER_1.email, SHOPPER_1.password);
    // The page has a cached token (maxTokenAgeMs 60 s) and saves something as the shopper leaves.
    expect(await callInPage(page, `${demo.api.origin}/points`)).toMatchObject({ status: 200 });
    const seq = lastSeq(demo.api.requests);
    await page.evaluate((api) => {
      const store = window as unknown as StoreWindow;
      window.addEventListener('pagehide', () => {
        void fetch(`${api}/points?by=fetch`, { keepalive: true });
        void store.bcAuthFetch(`${api}/points?by=sdk`, { keepalive: true });
      });
    }, demo.api.origin);
    await page.goto(`${demo.storefront.origin}/login.php`);

    await expect
      .poll(() => apiRequestsAfter(demo, seq).map((entry) => entry.url))
      .toContain('/points?by=fetch');
    const sdkCall = () =>
      apiRequestsAfter(demo, seq).find(
        (entry) => entry.method === 'GET' && entry.url === '/points?by=sdk',
      );
    // The SDK's own pagehide listener (capture, registered first) must not drop the cached token
    // before this handler runs: a token request started now would die with the page.
    await expect.poll(sdkCall).toBeDefined();
    expect(bearerCustomerId(sdkCall()?.authorization)).toBe(1);
  });
  it('7e. invalidate() from a pagehide handler reaches the other tabs, and the page still enters the cache', async () => {
    const { demo, context } = store;
    const { page, notRestored } = await openCachedPage(context);
    await page.goto(demo.storefront.url);
    await waitForStorePage(page);
    const { page: otherTab } = await openWatchedPage(context);
    await recordNotices(otherTab);
    await otherTab.goto(demo.storefront.url);
    await waitForStorePage(otherTab);

    // The page's own handler runs after the SDK's, which has closed the tab channel by then.
    await page.evaluate(() => {
      const store = window as unknown as StoreWindow;
      window.addEventListener('pagehide', () => {
        store.BcCustomerAuth.getDefaultClient().invalidate();
      });
    });
    await page.goto('about:blank');
    await expect.poll(() => loggedEvents(otherTab)).toContain('invalidate');

    // A notice while the page is cached: a channel the page left open would hear it, and Chromium
    // would evict the page (BroadcastChannelOnMessage). The other tab's recorder hears it too.
    await otherTab.evaluate(() => {
      (window as unknown as StoreWindow).BcCustomerAuth.getDefaultClient().invalidate();
    });
    await expect.poll(() => notices(otherTab)).toEqual(['c', 'i', 'i']);
    await page.goBack({ waitUntil: 'commit' });
    await page.waitForSelector('html[data-restored]');
    expect(notRestored).toEqual([]);
    expect(await page.getAttribute('html', 'data-restored')).toBe('true');
  });
});
