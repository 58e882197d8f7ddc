import { createServer } from 'node:http';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { send } from '../../demo/lib/http.js';
import { closeServer, listen } from '../../demo/lib/listen.js';
import { createLoyaltyApi, type LoyaltyApi } from '../../demo/loyalty-api.js';
import { describeInChromium, launchChromium } from './support/chromium.js';
import {
  CLIENT_ID,
  CLIENT_SECRET,
  CLOSE_CODE_CUSTOMER_CHANGE,
  CLOSE_CODE_LOGOUT,
  STORE_HASH,
  bearerCustomerId,
  signToken,
} from './support/demo-servers.js';
import { bundleEsmCopy } from './support/sdk-copies.js';

const HEADLESS_PAGE = '<!doctype html><title>Headless shop</title><script src="/app.js"></script>';

/**
 * A headless front end on its own origin: a page whose bundle includes the ESM build, and the
 * backend route the README's headless example calls for the token. `shopper` is who the backend
 * thinks is signed in (`null`: a guest, answered with 404).
 */
async function startHeadlessFrontEnd(bundle: string) {
  const state = { shopper: 1 as number | null, tokenRequests: 0 };
  const server = createServer((req, res) => {
    if (req.url === '/app.js') {
      send(res, 200, 'text/javascript', bundle);
    } else if (req.url === '/api/bc-customer-token') {
      state.tokenRequests += 1;
      if (state.shopper === null) {
        send(res, 404, 'text/plain', '');
        return;
      }
      void signToken({ customerId: state.shopper }).then((jwt) => {
        send(res, 200, 'text/plain', jwt, { 'Cache-Control': 'no-store' });
      });
    } else {
      send(res, 200, 'text/html; charset=utf-8', HEADLESS_PAGE);
    }
  });
  const port = await listen(server, { port: 0, host: '127.0.0.1', label: 'headless front end' });
  return { origin: `http://127.0.0.1:${port}`, state, close: () => closeServer(server) };
}

/** What the page keeps: the client from `ThemeSdk` (the bundled ESM build) and its events. */
interface HeadlessWindow {
  ThemeSdk: typeof import('../../src/browser/index.js');
  auth: import('../../src/browser/index.js').CustomerAuthClient;
  events: string[];
  closes: string[];
}

describeInChromium('a headless front end: the ESM build with a getToken route of its own', () => {
  let browser: Browser;
  let front: Awaited<ReturnType<typeof startHeadlessFrontEnd>>;
  let api: LoyaltyApi;
  let page: Page;

  beforeAll(async () => {
    front = await startHeadlessFrontEnd(await bundleEsmCopy());
    // The app's API allows the front end's origin, as it would the storefront's.
    api = await createLoyaltyApi({
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      storeHash: STORE_HASH,
      storefrontOrigin: front.origin,
    });
    browser = await launchChromium();
    page = await browser.newPage();
    await page.goto(front.origin);
    await page.evaluate(
      ([appClientId, apiOrigin]) => {
        const headless = window as unknown as HeadlessWindow;
        headless.events = [];
        headless.closes = [];
        // The README's headless example.
        headless.auth = headless.ThemeSdk.createCustomerAuth({
          appClientId,
          allowedOrigins: [apiOrigin],
          getToken: async (signal) => {
            const response = await fetch('/api/bc-customer-token', {
              signal,
              credentials: 'same-origin',
            });
            if (response.status === 404) return null;
            if (!response.ok) throw new Error(`token route answered ${response.status}`);
            return response.text();
          },
        });
        for (const name of ['logout', 'customerchange'] as const) {
          headless.auth.on(name, () => headless.events.push(name));
        }
      },
      [CLIENT_ID, api.origin] as const,
    );
  });

  /** Opens a live points socket through the client and waits until it is open. */
  async function openLiveSocket() {
    await page.evaluate(
      async (liveUrl) => {
        const headless = window as unknown as HeadlessWindow;
        const live = await headless.auth.webSocket(liveUrl);
        live.addEventListener('close', ({ code, reason }) => {
          headless.closes.push(`${code} ${reason}`);
        });
        await new Promise((resolve) => live.addEventListener('open', resolve));
      },
      `${api.origin.replace(/^http/, 'ws')}/points/live`,
    );
  }

  afterAll(async () => {
    await Promise.all([browser?.close(), front?.close(), api?.close()]);
  });

  it('sends the route’s token to the API, closes the socket on a switch, and signs out on a 404', async () => {
    // Two concurrent calls, one token request; the API verified shopper 1 on both.
    const balances = await page.evaluate(async (apiOrigin) => {
      const { auth } = window as unknown as HeadlessWindow;
      const calls = [1, 2].map(async () => (await auth.fetch(`${apiOrigin}/points`)).json());
      return Promise.all(calls);
    }, api.origin);
    expect(balances).toEqual([
      expect.objectContaining({ customerId: 1 }),
      expect.objectContaining({ customerId: 1 }),
    ]);
    expect(front.state.tokenRequests).toBe(1);
    const calls = api.requests.filter((call) => call.method === 'GET' && call.path === '/points');
    expect(calls.map((request) => bearerCustomerId(request.authorization))).toEqual([1, 1]);

    // A live socket for shopper 1, then the backend says shopper 2: a forced token names them.
    await openLiveSocket();
    expect(api.sockets.map((socket) => socket.customerId)).toEqual([1]);
    front.state.shopper = 2;
    await page.evaluate(() => (window as unknown as HeadlessWindow).auth.getToken({ force: true }));
    await expect.poll(() => api.sockets[0]?.closeCode).toBe(CLOSE_CODE_CUSTOMER_CHANGE);
    expect(await page.evaluate(() => (window as unknown as HeadlessWindow).events)).toEqual([
      'customerchange',
    ]);
    await openLiveSocket();
    expect(api.sockets.map((socket) => socket.customerId)).toEqual([1, 2]);

    // Signed out at the backend: the next call rejects, typed, and reaches no API.
    front.state.shopper = null;
    const before = api.requests.length;
    const refused = await page.evaluate(async (apiOrigin) => {
      const { auth, ThemeSdk } = window as unknown as HeadlessWindow;
      auth.invalidate();
      try {
        await auth.fetch(`${apiOrigin}/points`);
        return 'sent';
      } catch (error) {
        return ThemeSdk.isCustomerAuthError(error, 'NOT_SIGNED_IN') ? error.code : String(error);
      }
    }, api.origin);
    expect(refused).toBe('NOT_SIGNED_IN');
    expect(api.requests.length).toBe(before);
    expect(await page.evaluate(() => (window as unknown as HeadlessWindow).events)).toEqual([
      'customerchange',
      'logout',
    ]);
    await expect.poll(() => api.sockets[1]?.closeCode).toBe(CLOSE_CODE_LOGOUT);
    await expect
      .poll(() => page.evaluate(() => (window as unknown as HeadlessWindow).closes))
      .toEqual(['4002 customerchange', '4001 logout']);

    // Nothing kept in storage or cookies on the front end's origin.
    const kept = await page.evaluate(() => [
      localStorage.length,
      sessionStorage.length,
      document.cookie,
    ]);
    expect(kept).toEqual([0, 0, '']);
  });
});
