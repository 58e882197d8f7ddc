import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeInChromium } from './support/chromium.js';
import {
  CLIENT_ID,
  CLOSE_CODE_LOGOUT,
  LONG_TOKEN_AGE_MS,
  SHOPPER_1,
} from './support/demo-servers.js';
import { callInPage } from './support/page-calls.js';
import { startRecordingServer, type RecordingServer } from './support/recording-server.js';
import {
  addEarlierCopy,
  bundleEsmCopy,
  IIFE,
  notices,
  recordNotices,
} from './support/sdk-copies.js';
import { useStoreInChromium } from './support/store-fixture.js';
import { openWatchedPage, signInThroughForm, waitForStorePage } from './support/store-page.js';

describeInChromium('two copies of the SDK on one page', () => {
  let other: RecordingServer;
  let esmCopy: string;
  beforeAll(async () => {
    [other, esmCopy] = await Promise.all([startRecordingServer(), bundleEsmCopy()]);
  });
  afterAll(() => other?.close());
  const store = useStoreInChromium({
    demo: () => ({ extraConnectOrigins: [other.origin], maxTokenAgeMs: LONG_TOKEN_AGE_MS }),
  });

  /** A tab signed in as shopper 1, reloaded so that its page runs both copies signed in. */
  async function signedInPage() {
    const watched = await openWatchedPage(store.context);
    const { page } = watched;
    await recordNotices(page);
    await signInThroughForm(
      page,
      store.demo.storefront.origin,
      SHOPPER_1.email,
      SHOPPER_1.password,
    );
    await page.goto(store.demo.storefront.url);
    await waitForStorePage(page);
    return watched;
  }

  it('the tag twice: the last one takes the globals, the first one’s client runs on', async () => {
    const { demo, context } = store;
    // Kept by the page's code between the two tags, as theme code can.
    const keep = ';window.__first = { fetch: bcAuthFetch, ws: bcAuthWebSocket };';
    await addEarlierCopy(context, IIFE + keep, {
      'data-allowed-origins': `${demo.api.origin} ${other.origin}`,
    });
    const { page, pageErrors } = await signedInPage();
    // Each copy sent its page-load beacon.
    expect(await notices(page)).toEqual(['c1', 'c1']);

    expect(await callInPage(page, `${other.origin}/collect`)).toMatchObject({
      error: { code: 'ORIGIN_NOT_ALLOWED' },
    });
    expect(other.requests).toEqual([]);
    const kept = await page.evaluate(
      async ([url, live]) => {
        const first = (
          window as unknown as {
            __first: { fetch: typeof fetch; ws: (url: string) => Promise<WebSocket> };
          }
        ).__first;
        const status = (await first.fetch(url)).status;
        const socket = await first.ws(live);
        await new Promise((resolve) => socket.addEventListener('open', resolve));
        Object.assign(window, { __firstSocket: socket });
        return status;
      },
      [`${other.origin}/collect`, `${demo.api.origin}/points/live`] as const,
    );
    // The first tag's allowlist still holds for what the page kept from it.
    expect(kept).toBe(200);
    expect(
      other.requests
        .filter((request) => request.method !== 'OPTIONS')
        .map((request) => /^Bearer ./.test(request.headers['authorization'] ?? '')),
    ).toEqual([true]);

    // A logout still closes the first copy's sockets, with the logout code.
    const firstSocket = demo.api.sockets.at(-1)!;
    await Promise.all([page.waitForURL(demo.storefront.url), page.click('#logout-link')]);
    await expect.poll(() => firstSocket.closeCode).toBe(CLOSE_CODE_LOGOUT);
    expect(pageErrors).toEqual([]);
  });

  it('a later tag without data-app-client-id leaves the globals unconfigured', async () => {
    const { demo, context } = store;
    await addEarlierCopy(context, IIFE);
    await context.addInitScript(() => {
      new MutationObserver(() => {
        const tag = document.querySelector<HTMLScriptElement>('script[src$="iife.js"]');
        tag?.removeAttribute('data-app-client-id');
      }).observe(document, { childList: true, subtree: true });
    });
    const { page } = await openWatchedPage(context);
    await page.goto(demo.storefront.url);
    expect(await callInPage(page, `${demo.api.origin}/points`)).toMatchObject({
      error: { code: 'NOT_CONFIGURED' },
    });
  });

  it('an ESM copy in the same tab shares identity notices and error guards', async () => {
    const { demo, context } = store;
    await addEarlierCopy(context, esmCopy);
    const { page, pageErrors } = await signedInPage();
    const seen = await page.evaluate(
      async ([api, other, appClientId]) => {
        type Sdk = typeof import('../../src/browser/index.js');
        const { ThemeSdk, BcCustomerAuth } = window as unknown as {
          ThemeSdk: Sdk;
          BcCustomerAuth: Sdk;
        };
        const esm = ThemeSdk.createCustomerAuth({ appClientId, allowedOrigins: [api] });
        const tag = BcCustomerAuth.getDefaultClient();
        const events: string[] = [];
        esm.on('invalidate', ({ reason }) => events.push(`esm ${reason}`));
        tag.on('invalidate', ({ reason }) => events.push(`tag ${reason}`));
        // Each notice reaches the other copy as a task of its own: wait for it, not for a time.
        const heard = (count: number) =>
          new Promise<void>((resolve, reject) => {
            const deadline = Date.now() + 5000;
            const check = () => {
              if (events.length >= count) resolve();
              else if (Date.now() > deadline) reject(new Error(`heard only ${events.join(', ')}`));
              else setTimeout(check, 5);
            };
            check();
          });
        esm.invalidate();
        await heard(2);
        tag.invalidate();
        await heard(4);
        const guards = await esm
          .fetch(`${other}/x`)
          .catch((error: unknown) => [
            BcCustomerAuth.isCustomerAuthError(error, 'ORIGIN_NOT_ALLOWED'),
            error instanceof BcCustomerAuth.CustomerAuthError,
          ]);
        return { events, guards };
      },
      [demo.api.origin, other.origin, CLIENT_ID] as const,
    );
    expect(seen.events).toEqual(['esm invalidate', 'tag tab', 'tag invalidate', 'esm tab']);
    expect(seen.guards).toEqual([true, false]);
    expect(pageErrors).toEqual([]);
  });

  it('configure() again closes the replaced client’s sockets and drops its listeners', async () => {
    const { demo } = store;
    const { page } = await signedInPage();
    const socket = demo.api.sockets.at(-1)!;
    const heard = await page.evaluate(
      async ([api, appClientId]) => {
        type Sdk = typeof import('../../src/browser/index.js');
        const { BcCustomerAuth } = window as unknown as { BcCustomerAuth: Sdk };
        const events: string[] = [];
        BcCustomerAuth.getDefaultClient().on('invalidate', () => events.push('old'));
        // The new client's notice reaches the replaced one as a task of its own: a channel made
        // after the replaced client's hears each notice after it would have, so wait for that one.
        const probe = new BroadcastChannel(`bc-customer-auth:${appClientId}`);
        const noticed = new Promise((resolve) => (probe.onmessage = resolve));
        BcCustomerAuth.configure({ appClientId, allowedOrigins: [api] }).invalidate();
        await noticed;
        probe.close();
        return events;
      },
      [demo.api.origin, CLIENT_ID] as const,
    );
    expect(heard).toEqual([]);
    await expect.poll(() => socket.closeCode).toBe(1000);
    // The server hears the close frame before the page gets the server's answer and fires `close`.
    await expect.poll(() => page.textContent('#live-status')).toBe('closed (1000: destroy)');
  });
});
