import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { describeInChromium } from './support/chromium.js';
import { SHOPPER_1, bearerCustomerId, signToken } from './support/demo-servers.js';
import { apiRequestsAfter, callInPage, lastSeq } from './support/page-calls.js';
import { useStoreInChromium } from './support/store-fixture.js';
import { signedInPage } from './support/store-page.js';

describeInChromium('scenario 10: the API refuses what it must, from a real page', () => {
  const store = useStoreInChromium();

  /** A plain cross-origin `fetch` from the store page with a chosen bearer token. */
  function fetchWithToken(page: Page, url: string, token: string) {
    return page.evaluate(
      async ({ url, token }) => {
        const response = await fetch(url, { headers: { Authorization: `Bearer ${token}` } });
        return { status: response.status, body: (await response.json()) as unknown };
      },
      { url, token },
    );
  }

  it('10. a forged token (wrong secret) is refused with 401 BAD_SIGNATURE', async () => {
    const { demo } = store;
    const page = (await signedInPage(store)).page;
    const since = lastSeq(demo.api.requests);
    const forged = await signToken({ customerId: 2, secret: 'an-attackers-guess' });
    expect(await fetchWithToken(page, `${demo.api.origin}/points`, forged)).toEqual({
      status: 401,
      body: { error: 'invalid_token', code: 'BAD_SIGNATURE' },
    });
    expect(apiRequestsAfter(demo, since).filter((entry) => entry.method === 'GET')).toMatchObject([
      { path: '/points', authorization: `Bearer ${forged}`, status: 401 },
    ]);
  });

  it('10. a validly signed token from another store is refused with 401 STORE_NOT_ALLOWED', async () => {
    const { demo } = store;
    const page = (await signedInPage(store)).page;
    const foreign = await signToken({ customerId: 1, storeHash: 'trial42' });
    expect(await fetchWithToken(page, `${demo.api.origin}/points`, foreign)).toEqual({
      status: 401,
      body: { error: 'invalid_token', code: 'STORE_NOT_ALLOWED' },
    });
  });

  it("10. a request naming another customer's id is answered for the caller only", async () => {
    const { demo } = store;
    const page = (await signedInPage(store)).page;
    const shopper2Before = demo.api.ledger.getPoints('abc123', 2);
    const since = lastSeq(demo.api.requests);

    const read = await callInPage(page, `${demo.api.origin}/points?customerId=2`);
    const spend = await callInPage(page, `${demo.api.origin}/points/redeem?customerId=2`, {
      method: 'POST',
      body: JSON.stringify({ points: 3, customerId: 2 }),
    });

    expect(read).toMatchObject({ status: 200, body: { customerId: 1, email: SHOPPER_1.email } });
    expect(spend).toMatchObject({ status: 200, body: { customerId: 1, redeemed: 3 } });
    expect(demo.api.ledger.getPoints('abc123', 2)).toBe(shopper2Before);
    const calls = apiRequestsAfter(demo, since).filter((entry) => entry.method !== 'OPTIONS');
    expect(calls.map((entry) => entry.url)).toEqual([
      '/points?customerId=2',
      '/points/redeem?customerId=2',
    ]);
    expect(calls.map((entry) => bearerCustomerId(entry.authorization))).toEqual([1, 1]);
  });

  it('10. a WebSocket opened with a forged token is refused before the handshake completes', async () => {
    const { demo } = store;
    const page = (await signedInPage(store)).page;
    const socketsBefore = demo.api.sockets.length;
    const forged = await signToken({ secret: 'an-attackers-guess' });
    const result = await page.evaluate(
      (url) =>
        new Promise<string>((resolve) => {
          const socket = new WebSocket(url);
          socket.onopen = () => resolve('opened');
          socket.onclose = (event) => resolve(`closed ${event.code}`);
        }),
      `${demo.api.origin.replace('http', 'ws')}/points/live?token=${forged}`,
    );
    expect(result).toBe('closed 1006');
    expect(demo.api.sockets.length).toBe(socketsBefore);
  });
});
