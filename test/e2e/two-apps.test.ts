import { createVerifier } from 'bc-customer-auth/server';
import type { BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import type { RecordedRequest } from '../../demo/lib/request-recorder.js';
import { describeInChromium } from './support/chromium.js';
import {
  CLIENT_ID,
  CLOSE_CODE_LOGOUT,
  decodeJwtPayload,
  LONG_TOKEN_AGE_MS,
  STORE_HASH,
} from './support/demo-servers.js';
import { apiRequestsAfter, callInPage, jwtRequests, markRequests } from './support/page-calls.js';
import { startRecordingServer, type RecordingServer } from './support/recording-server.js';
import { addEarlierCopy, IIFE, notices, recordNotices } from './support/sdk-copies.js';
import { useStoreInChromium } from './support/store-fixture.js';
import { signedInPage, waitForStorePage, type StoreWindow } from './support/store-page.js';

/** A second app on the store (reviews), with a secret of its own; the demo's app is loyalty. */
const REVIEWS = { clientId: 'reviews-app-0123456789', clientSecret: 'reviews-secret-5a4b3c2d1e' };

/** The token a request carried: its bearer token, or a socket's `token` parameter. */
const tokenOf = ({ authorization, query }: RecordedRequest) =>
  authorization?.replace(/^Bearer /, '') ?? query.get('token') ?? '';

/** The app a request's token was issued for (its `aud`). */
const audienceOf = (request: RecordedRequest) => decodeJwtPayload(tokenOf(request))['aud'];

/**
 * The README's inline script for the second app ("Two apps on one store"), placeholders filled in,
 * opening a socket as well. The page renders its Handlebars (see `addScriptAfterTag`).
 */
const readmeSnippet = (api: string) => `
  addEventListener('DOMContentLoaded', () => {
    const reviews = BcCustomerAuth.createCustomerAuth({
      appClientId: '${REVIEWS.clientId}',
      allowedOrigins: ['${api}'],
      customerId: '{{customer.id}}',
    });
    {{#if customer}}
    reviews.fetch('${api}/mine').then(/* … */);
    reviews.webSocket('${api.replace('http', 'ws')}/live');
    {{/if}}
  });`;

/**
 * Runs `code` in an inline script (the page's nonce) placed right after the page's SDK tag, its
 * `{{customer.id}}` and `{{#if customer}}…{{/if}}` rendered as Stencil would for the page's shopper
 * (read from the tag's `data-customer-id`).
 */
async function addScriptAfterTag(context: BrowserContext, code: string): Promise<void> {
  await context.addInitScript((code) => {
    new MutationObserver((records, observer) => {
      for (const node of records.flatMap((record) => [...record.addedNodes])) {
        if (!(node instanceof HTMLScriptElement) || !node.dataset['appClientId']) continue;
        observer.disconnect();
        const script = document.createElement('script');
        script.nonce = node.nonce;
        const customerId = node.dataset['customerId'] ?? '';
        script.textContent = code
          .replace('{{customer.id}}', customerId)
          .replace(/{{#if customer}}([^]*?){{\/if}}/g, customerId ? '$1' : '');
        node.after(script);
      }
    }).observe(document, { childList: true, subtree: true });
  }, code);
}

describeInChromium('two apps on one store', () => {
  let reviewsApi: RecordingServer;
  beforeAll(async () => {
    reviewsApi = await startRecordingServer(undefined, { acceptWebSockets: true });
  });
  afterAll(() => reviewsApi?.close());
  const store = useStoreInChromium({
    demo: () => ({
      extraConnectOrigins: [reviewsApi.origin],
      maxTokenAgeMs: LONG_TOKEN_AGE_MS,
      otherApps: [REVIEWS],
    }),
  });
  beforeEach(() => {
    reviewsApi.requests.length = 0;
    reviewsApi.sockets.length = 0;
  });
  const reviewsCalls = () => reviewsApi.requests.filter(({ method }) => method !== 'OPTIONS');

  it('two apps’ tags: the last owns the globals; each app’s client asks for and sends its own token', async () => {
    const { demo, context } = store;
    const { page, pageErrors } = await signedInPage(store, { prepare: recordNotices });
    // The reviews app's tag before the loyalty app's (the page's own); the page keeps its client.
    const keep = ';window.__reviews = BcCustomerAuth.getDefaultClient();';
    await addEarlierCopy(context, IIFE + keep, {
      'data-app-client-id': REVIEWS.clientId,
      'data-allowed-origins': reviewsApi.origin,
    });
    const mark = markRequests(demo);
    await page.goto(demo.storefront.url);
    await waitForStorePage(page);
    // Only the loyalty tag's page-load beacon is on the loyalty app's channel.
    expect(await notices(page)).toEqual(['c1']);

    expect(await callInPage(page, `${reviewsApi.origin}/mine`)).toMatchObject({
      error: { code: 'ORIGIN_NOT_ALLOWED' },
    });
    expect(reviewsApi.requests).toEqual([]);
    const status = await page.evaluate(async (url) => {
      const { __reviews } = window as unknown as {
        __reviews: ReturnType<StoreWindow['BcCustomerAuth']['getDefaultClient']>;
      };
      return (await __reviews.fetch(url)).status;
    }, `${reviewsApi.origin}/mine`);
    expect(status).toBe(200);
    const [mine] = reviewsCalls();
    expect(audienceOf(mine!)).toBe(REVIEWS.clientId);
    const verifier = createVerifier({ ...REVIEWS, storeHashes: [STORE_HASH] });
    await expect(verifier.verify(tokenOf(mine!))).resolves.toMatchObject({
      customerId: 1,
    });
    // The page's own script called the loyalty API through the globals, with loyalty's token.
    const points = apiRequestsAfter(demo, mark.apiSeq).find(({ path }) => path === '/points');
    expect([audienceOf(points!), points!.status]).toEqual([CLIENT_ID, 200]);
    const asked = jwtRequests(demo)
      .slice(mark.jwtCount)
      .map(({ query, status }) => `${query.get('app_client_id')} ${status}`);
    // One request each: the loyalty page's call and socket share one, the reviews call asks once.
    expect(asked.sort()).toEqual([`${CLIENT_ID} 200`, `${REVIEWS.clientId} 200`].sort());
    expect(pageErrors).toEqual([]);
  });

  it('one tag and the README’s createCustomerAuth: a logout click closes both apps’ sockets', async () => {
    const { demo, context } = store;
    const { page, pageErrors } = await signedInPage(store);
    await addScriptAfterTag(context, readmeSnippet(reviewsApi.origin));
    await page.goto(demo.storefront.url);
    await waitForStorePage(page);
    await expect.poll(() => reviewsApi.sockets.length).toBe(1);
    // The call and the socket share one token; the call may still be on its way.
    const calls = () => reviewsCalls().map((call) => `${call.path} ${audienceOf(call)}`);
    await expect
      .poll(() => calls().sort())
      .toEqual([`/live ${REVIEWS.clientId}`, `/mine ${REVIEWS.clientId}`]);
    const [loyaltySocket, reviewsSocket] = [demo.api.sockets.at(-1)!, reviewsApi.sockets[0]!];

    const beforeLogout = markRequests(demo);
    // Already at the storefront URL: waitForURL alone would not wait for the guest page.
    await Promise.all([page.waitForEvent('load'), page.click('#logout-link')]);
    await expect.poll(() => loyaltySocket.closeCode).toBe(CLOSE_CODE_LOGOUT);
    await expect.poll(() => reviewsSocket.closeCode).toBe(CLOSE_CODE_LOGOUT);
    // The guest page it leads to asks no token for the second app, so nothing rejects unhandled
    // (a guest's socket would never reach the API: counting sockets could not tell).
    await waitForStorePage(page);
    const guestAsked = jwtRequests(demo)
      .slice(beforeLogout.jwtCount)
      .filter(({ query }) => query.get('app_client_id') === REVIEWS.clientId);
    expect(guestAsked).toEqual([]);
    expect(pageErrors).toEqual([]);
  });
});
