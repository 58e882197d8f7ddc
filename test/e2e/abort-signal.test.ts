import { expect, it } from 'vitest';
import type { CustomerAuthClient } from '../../src/browser/index.js';
import { describeInChromium } from './support/chromium.js';
import { CLIENT_ID, bearerCustomerId } from './support/demo-servers.js';
import { apiRequestsAfter, lastSeq } from './support/page-calls.js';
import { useStoreInChromium } from './support/store-fixture.js';
import { signedInPage, type StoreWindow } from './support/store-page.js';

/** The three ways a caller hands `fetch` an already aborted signal, or takes it back. */
const SHAPES = {
  'init.signal': 'init',
  "the Request's own signal": 'request',
  "the Request's signal, replaced by init.signal: null": 'request, signal: null',
} as const;

describeInChromium('abort: bcAuthFetch follows the signal exactly as fetch does', () => {
  const store = useStoreInChromium();

  it.each(Object.entries(SHAPES))('%s', async (_what, shape) => {
    const { demo } = store;
    const page = (await signedInPage(store)).page;
    const since = lastSeq(demo.api.requests);

    // The same call through `fetch` and through `bcAuthFetch`, each with a signal aborted first.
    const outcomes = await page.evaluate(
      async ({ url, shape }) => {
        const { bcAuthFetch } = window as unknown as StoreWindow;
        const call = async (send: typeof fetch) => {
          const controller = new AbortController();
          controller.abort();
          const { signal } = controller;
          try {
            const response = await (shape == 'init'
              ? send(url, { signal })
              : shape == 'request'
                ? send(new Request(url, { signal }))
                : send(new Request(url, { signal }), { signal: null }));
            return String(response.status);
          } catch (error) {
            return (error as Error).name;
          }
        };
        return { fetch: await call(fetch), bcAuthFetch: await call(bcAuthFetch) };
      },
      { url: `${demo.api.origin}/points`, shape },
    );

    // Without a token `fetch` is answered 401: only what reaches the network differs.
    const sent = shape == 'request, signal: null';
    expect(outcomes).toEqual({
      fetch: sent ? '401' : 'AbortError',
      bcAuthFetch: sent ? '200' : 'AbortError',
    });
    const calls = apiRequestsAfter(demo, since).filter(({ method }) => method == 'GET');
    expect(calls.map(({ authorization }) => bearerCustomerId(authorization))).toEqual(
      sent ? [undefined, 1] : [],
    );
  });

  it("an abort while the token is awaited rejects with the caller's own reason; the API hears nothing", async () => {
    const { demo } = store;
    const page = (await signedInPage(store)).page;
    const since = lastSeq(demo.api.requests);
    // The storefront answers the JWT request only once the call has settled.
    let asked!: () => void;
    const jwtAsked = new Promise<void>((resolve) => (asked = resolve));
    let settled!: () => void;
    const callSettled = new Promise<void>((resolve) => (settled = resolve));
    await page.route('**/customer/current.jwt?*', async (route) => {
      asked();
      await callSettled;
      await route.continue();
    });

    const outcome = page.evaluate(
      async ([appClientId, api]) => {
        const { BcCustomerAuth } = window as unknown as StoreWindow;
        // A client of its own, so no token is cached yet.
        const auth = BcCustomerAuth.createCustomerAuth({ appClientId, allowedOrigins: [api] });
        const controller = new AbortController();
        const reason = new Error('the shopper closed the drawer');
        Object.assign(window, { auth, abortCall: () => controller.abort(reason) });
        try {
          const response = await auth.fetch(new Request(`${api}/points`), {
            signal: controller.signal,
          });
          return String(response.status);
        } catch (error) {
          return error === reason ? 'own reason' : String(error);
        }
      },
      [CLIENT_ID, demo.api.origin] as const,
    );
    await jwtAsked;
    await page.evaluate(() => (window as unknown as { abortCall(): void }).abortCall());
    // Settled while the JWT request is still held: the call did not wait for the token.
    expect(await outcome.finally(settled)).toBe('own reason');
    // Once the token has reached the client (a second caller shares its request), a plain call:
    // the API hears it, and nothing before it.
    await page.evaluate(async (api) => {
      const { auth } = window as unknown as { auth: CustomerAuthClient };
      await auth.getToken();
      await fetch(`${api}/ping`).catch(() => undefined);
    }, demo.api.origin);
    expect(apiRequestsAfter(demo, since).map((entry) => entry.path)).toEqual(['/ping']);
  });
});
