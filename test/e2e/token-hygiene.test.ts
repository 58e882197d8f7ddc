import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { describeInChromium } from './support/chromium.js';
import {
  LONG_TOKEN_AGE_MS,
  SHOPPER_1,
  SHOPPER_2,
  decodeJwtPayload,
} from './support/demo-servers.js';
import { apiRequestsAfter, callInPage } from './support/page-calls.js';
import { useStoreInChromium } from './support/store-fixture.js';
import {
  loggedEvents,
  openWatchedPage,
  signInThroughForm,
  signedInPage,
  waitForStorePage,
  type StoreWindow,
} from './support/store-page.js';

/** Everything a page keeps where a token must never be: storage, script-readable cookies, URLs. */
function readPageState(page: Page) {
  return page.evaluate(async () => {
    const entries = (storage: Storage) =>
      Array.from({ length: storage.length }, (_, index) => {
        const key = storage.key(index) ?? '';
        return `${key}=${storage.getItem(key) ?? ''}`;
      });
    return {
      localStorage: entries(localStorage),
      sessionStorage: entries(sessionStorage),
      indexedDb: (await indexedDB.databases()).map((database) => database.name ?? ''),
      cacheStorage: await caches.keys(),
      cookie: document.cookie,
      url: location.href,
      timingUrls: performance.getEntries().map((entry) => entry.name),
    };
  });
}

describeInChromium('scenario 9: the token never lands in storage, cookies or URLs', () => {
  const store = useStoreInChromium({ demo: { maxTokenAgeMs: LONG_TOKEN_AGE_MS } });

  it('9. after sign-in, calls, sockets, a redeem, a customer switch, navigation and logout', async () => {
    const { demo, context } = store;
    const tokens: string[] = [];
    const consoleTexts: string[] = [];
    context.on('response', (response) => {
      if (!response.url().includes('/customer/current.jwt') || response.status() !== 200) return;
      void response.json().then((body: { token: string }) => tokens.push(body.token));
    });
    context.on('console', (message) => consoleTexts.push(message.text()));

    const tabA = (await openWatchedPage(context)).page;
    await signInThroughForm(tabA, demo.storefront.origin, SHOPPER_1.email, SHOPPER_1.password);
    await tabA.fill('#redeem-points', '5');
    await tabA.click('#redeem-button');
    await expect.poll(() => tabA.textContent('#points-status')).toBe('Redeemed 5 points.');
    await callInPage(tabA, `${demo.api.origin}/points?customerId=2`);

    const tabB = (await openWatchedPage(context)).page;
    await signInThroughForm(tabB, demo.storefront.origin, SHOPPER_2.email, SHOPPER_2.password);
    expect(await callInPage(tabA, `${demo.api.origin}/points`)).toMatchObject({
      body: { customerId: 2 },
    });
    await tabA.goto(`${demo.storefront.origin}/login.php`);
    await tabA.goBack();
    await waitForStorePage(tabA);
    await Promise.all([tabB.waitForURL(demo.storefront.url), tabB.click('#logout-link')]);
    // Tab B's notice reaches tab A as a task of its own: the call is made once tab A has heard it.
    await expect.poll(() => loggedEvents(tabA)).toContain('logout');
    expect((await callInPage(tabA, `${demo.api.origin}/points`)).error?.code).toBe('NOT_SIGNED_IN');

    await expect
      .poll(() => new Set(tokens.map((token) => decodeJwtPayload(token).customer.id)))
      .toEqual(new Set([1, 2]));
    const signatures = tokens.map((token) => token.split('.')[2]!);
    const leaks = (text: string) => signatures.some((signature) => text.includes(signature));

    for (const page of [tabA, tabB]) {
      const state = await readPageState(page);
      expect(state.localStorage.filter(leaks)).toEqual([]);
      expect(state.sessionStorage.filter(leaks)).toEqual([]);
      expect(state.indexedDb).toEqual([]);
      expect(state.cacheStorage).toEqual([]);
      expect(state.cookie).toBe('');
      expect(leaks(state.url)).toBe(false);
      expect(state.timingUrls.filter(leaks)).toEqual([]);
    }
    expect((await context.cookies()).map((cookie) => cookie.value).filter(leaks)).toEqual([]);

    // On the wire, only WebSocket handshakes carry a token in the URL; nothing carries one in a Referer.
    const received = [...demo.storefront.requests, ...demo.api.requests];
    const inUrls = received.filter((entry) => leaks(entry.url));
    expect(inUrls.length).toBeGreaterThan(0);
    expect(inUrls.every((entry) => entry.upgrade && entry.path === '/points/live')).toBe(true);
    expect(received.filter((entry) => leaks(entry.headers.referer ?? ''))).toEqual([]);
    // The SDK and the page log no token; Chromium's own WebSocket network errors quote the URL.
    const logged = consoleTexts.filter((text) => !text.startsWith('WebSocket connection to '));
    expect(logged.filter(leaks)).toEqual([]);
  });

  it("9b. bcAuthFetch keeps the caller's referrerPolicy and referrer, as fetch does", async () => {
    const { demo, context } = store;
    const { page } = await openWatchedPage(context);
    await signInThroughForm(page, demo.storefront.origin, SHOPPER_1.email, SHOPPER_1.password);
    const refererOf = async (init: RequestInit) => {
      const seq = demo.api.requests.at(-1)?.seq ?? 0;
      const status = await page.evaluate(
        async ({ url, init }) =>
          (await (window as unknown as StoreWindow).bcAuthFetch(url, init)).status,
        { url: `${demo.api.origin}/points`, init },
      );
      expect(status).toBe(200);
      return apiRequestsAfter(demo, seq).find((entry) => entry.path === '/points')?.headers.referer;
    };
    // The page's own policy (same-origin) sends no Referer to the API's origin…
    expect(await refererOf({})).toBeUndefined();
    // …and the call's own policy and referrer win, as they would with fetch.
    expect(await refererOf({ referrerPolicy: 'unsafe-url' })).toBe(page.url());
    expect(
      await refererOf({
        referrerPolicy: 'unsafe-url',
        referrer: demo.storefront.origin + '/cart.php',
      }),
    ).toBe(demo.storefront.origin + '/cart.php');
  });

  it('9c. a refused socket or event stream shows the page, and its error reporting, no token', async () => {
    const { demo } = store;
    const { page, pageErrors } = await signedInPage(store);
    await waitForStorePage(page);
    const mark = demo.api.requests.at(-1)?.seq ?? 0;
    const seen = await page.evaluate(async (origin) => {
      const store = window as unknown as StoreWindow;
      const seen: string[] = [];
      addEventListener('unhandledrejection', (event) => seen.push(`rejection ${event.reason}`));
      // What an error reporter does with a failed connection: quote the transport's URL.
      const report = (kind: string) => (event: Event) => {
        const target = event.target as WebSocket | EventSource;
        seen.push(`${kind} ${event.type} ${target.url}`);
        setTimeout(() => {
          throw new Error(`${kind} failed: ${target.url}`);
        });
      };
      const socket = await store.bcAuthWebSocket(`${origin.replace('http', 'ws')}/points/nope`);
      const events = await store.bcAuthEventSource(`${origin}/points/nope`);
      socket.addEventListener('error', report('socket'));
      events.addEventListener('error', report('events'));
      await new Promise<void>((resolve) => {
        socket.addEventListener('close', (event) => {
          seen.push(`close ${event.code} ${event.reason} ${socket.url}`);
          resolve();
        });
      });
      await new Promise<void>((resolve) => {
        if (events.readyState === EventSource.CLOSED) resolve();
        else events.addEventListener('error', () => resolve());
      });
      events.close();
      seen.push(`events ${events.url}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
      return seen;
    }, demo.api.origin);

    // Both handshakes reached the API with a token, and were refused.
    const refused = apiRequestsAfter(demo, mark).filter((entry) => entry.path === '/points/nope');
    expect(refused.map((entry) => entry.url.includes('token='))).toEqual([true, true]);
    const api = demo.api.origin;
    expect(seen).toEqual(
      expect.arrayContaining([
        `socket error ${api.replace('http', 'ws')}/points/nope`,
        `close 1006  ${api.replace('http', 'ws')}/points/nope`,
        `events error ${api}/points/nope`,
        `events ${api}/points/nope`,
      ]),
    );
    await expect.poll(() => pageErrors.length).toBe(2);
    for (const text of [...seen, ...pageErrors]) expect(text).not.toContain('token=');
  });
});
