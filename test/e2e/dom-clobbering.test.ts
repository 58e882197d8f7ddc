import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeInChromium } from './support/chromium.js';
import { SHOPPER_1 } from './support/demo-servers.js';
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
