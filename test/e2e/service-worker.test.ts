import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, expect, it } from 'vitest';
import { send } from '../../demo/lib/http.js';
import { describeInChromium, launchChromium } from './support/chromium.js';
import { CLIENT_ID, decodeJwtPayload, signToken } from './support/demo-servers.js';
import { startRecordingServer } from './support/recording-server.js';
import { IIFE } from './support/sdk-copies.js';
import type { StoreWindow } from './support/store-page.js';

/**
 * A storefront's service worker with Workbox's usual catch-all rule: every same-origin GET but
 * navigations, cache first. The Cache API keys by URL and ignores `Cache-Control: no-store`.
 */
const CACHE_FIRST_SW = `
self.addEventListener('install', () => self.skipWaiting());
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));
self.addEventListener('fetch', (event) => {
  const { request } = event;
  if (request.method !== 'GET' || request.mode === 'navigate') return;
  if (new URL(request.url).origin !== location.origin) return;
  event.respondWith(
    caches.open('runtime').then(async (cache) => {
      const cached = await cache.match(request);
      if (cached) return cached;
      const response = await fetch(request);
      if (response.status === 200) await cache.put(request, response.clone());
      return response;
    }),
  );
});`;

/**
 * A storefront whose signed-in shopper the test sets (`null`: a guest): its page loads the
 * script-tag build with `data-customer-id` rendered for that shopper, and `/customer/current.jwt`
 * answers for them as BigCommerce does (404 for a guest), `no-store`.
 */
async function startStorefront() {
  const state = { shopper: 1 as number | null };
  const server = await startRecordingServer(async (_req, res, { path }) => {
    if (path === '/sw.js') {
      send(res, 200, 'text/javascript', CACHE_FIRST_SW);
    } else if (path === '/assets/bc-customer-auth.iife.js') {
      send(res, 200, 'text/javascript', IIFE);
    } else if (path === '/customer/current.jwt') {
      const noStore = { 'Cache-Control': 'no-store' };
      if (state.shopper === null) {
        send(res, 404, 'application/json', '{"errors":[]}', noStore);
        return;
      }
      const jwt = await signToken({ customerId: state.shopper });
      send(res, 200, 'application/json', JSON.stringify({ token: jwt }), noStore);
    } else {
      const tag = `<script src="/assets/bc-customer-auth.iife.js" data-app-client-id="${CLIENT_ID}" data-customer-id="${state.shopper ?? ''}"></script>`;
      send(res, 200, 'text/html; charset=utf-8', `<!doctype html><title>Store</title>${tag}`, {
        'Cache-Control': 'no-store',
      });
    }
  });
  const tokenRequests = () =>
    server.requests.filter(({ path }) => path === '/customer/current.jwt').length;
  return { ...server, state, tokenRequests };
}

/** The customer id of the token `getToken()` hands out, or the error code it rejects with. */
function tokenCustomerId(page: Page): Promise<number | string> {
  return page
    .evaluate(async () => {
      try {
        return await (
          window as unknown as StoreWindow
        ).BcCustomerAuth.getDefaultClient().getToken();
      } catch (error) {
        return `rejected ${(error as { code: string }).code}`;
      }
    })
    .then((result) =>
      result.startsWith('rejected') ? result : decodeJwtPayload(result).customer.id,
    );
}

describeInChromium('a storefront page controlled by a service worker', () => {
  let browser: Browser;
  let storefront: Awaited<ReturnType<typeof startStorefront>>;
  let page: Page;

  beforeAll(async () => {
    [browser, storefront] = await Promise.all([launchChromium(), startStorefront()]);
  });
  afterAll(async () => {
    await Promise.all([browser?.close(), storefront?.close()]);
  });
  beforeEach(async () => {
    page = await browser.newPage();
    await page.goto(storefront.origin);
    await page.evaluate(async () => {
      await navigator.serviceWorker.register('/sw.js');
      await navigator.serviceWorker.ready;
      if (navigator.serviceWorker.controller) return;
      await new Promise((resolve) => {
        navigator.serviceWorker.addEventListener('controllerchange', resolve, { once: true });
      });
    });
  });
  afterEach(async () => {
    await page.context().close();
  });

  it('never gives the next shopper, or a guest, a token its cache-first rule kept for shopper 1', async () => {
    storefront.state.shopper = 1;
    storefront.requests.length = 0;
    await page.reload();
    // The worker answers this page's requests: without it the test would pass with any URL.
    expect(await page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true);
    expect(await tokenCustomerId(page)).toBe(1);

    // Shopper 1 signs out and shopper 2 signs in on the shared computer; the page renders for 2.
    storefront.state.shopper = 2;
    await page.reload();
    expect(await tokenCustomerId(page)).toBe(2);

    storefront.state.shopper = null;
    await page.reload();
    expect(await tokenCustomerId(page)).toBe('rejected NOT_SIGNED_IN');
    // Every token request reached the storefront: none was answered from Cache Storage.
    expect(storefront.tokenRequests()).toBe(3);
  });
});
