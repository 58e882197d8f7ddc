import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import type { RecordedRequest } from '../../demo/lib/request-recorder.js';
import { decodeJwtPayload } from '../support/jwt-payload.js';
import { describeInChromium } from './support/chromium.js';
import { CLIENT_ID, bearerCustomerId } from './support/demo-servers.js';
import { startRecordingServer, type RecordingServer } from './support/recording-server.js';
import { useStoreInChromium } from './support/store-fixture.js';
import { openWatchedPage, signedInPage, type StoreWindow } from './support/store-page.js';

/**
 * An allowed API that answers every call with a 302 to `target()`, with CORS for any page (a
 * preflight gets 204), as an API behind a misconfigured proxy or a compromised route might.
 */
function startRedirectingApi(target: () => string): Promise<RecordingServer> {
  return startRecordingServer(async (req, res) => {
    res.setHeader('Access-Control-Allow-Origin', req.headers.origin ?? '*');
    res.setHeader('Access-Control-Allow-Headers', 'Authorization, X-Customer-Token');
    if (req.method === 'OPTIONS') {
      res.writeHead(204).end();
      return;
    }
    res.writeHead(302, { Location: target() + (req.url ?? '') }).end();
  });
}

/** What a call made in the page came to: the response's type and status, or the error. */
type Outcome = { type: string; status: number } | { error: string };

describeInChromium('redirects: the token follows none the SDK can stop', () => {
  let elsewhere: RecordingServer;
  let redirecting: RecordingServer;
  beforeAll(async () => {
    elsewhere = await startRecordingServer();
    redirecting = await startRedirectingApi(() => elsewhere.origin);
  });
  afterAll(async () => {
    await Promise.all([elsewhere?.close(), redirecting?.close()]);
  });
  beforeEach(() => {
    redirecting.requests.length = 0;
    elsewhere.requests.length = 0;
  });
  const store = useStoreInChromium({
    demo: () => ({ extraConnectOrigins: [redirecting.origin, elsewhere.origin] }),
  });

  /**
   * Signs in, then calls `url` from the page through a client of its own that allows only the
   * redirecting API, with the token in `header`; `init` is passed to the call.
   */
  async function callThroughRedirect(header: string, init: RequestInit = {}): Promise<Outcome> {
    const { page } = await signedInPage(store);
    return page.evaluate(
      async ([appClientId, api, authHeaderName, init]) => {
        const { BcCustomerAuth } = window as unknown as StoreWindow;
        const auth = BcCustomerAuth.createCustomerAuth({
          appClientId,
          allowedOrigins: [api],
          authHeaderName,
          authScheme: authHeaderName === 'Authorization' ? 'Bearer' : '',
        });
        try {
          const response = await auth.fetch(`${api}/points`, init);
          return { type: response.type, status: response.status };
        } catch (error) {
          return { error: error instanceof Error ? `${error.name}: ${error.message}` : '?' };
        }
      },
      [CLIENT_ID, redirecting.origin, header, init] as const,
    );
  }

  const sentTo = (requests: RecordedRequest[]) =>
    requests.filter((request) => request.method !== 'OPTIONS');

  it('a redirect from an allowed API comes back unfollowed, with the token sent only to that API', async () => {
    const outcome = await callThroughRedirect('Authorization');
    expect(outcome).toEqual({ type: 'opaqueredirect', status: 0 });
    const calls = sentTo(redirecting.requests);
    expect(calls.map((call) => bearerCustomerId(call.authorization))).toEqual([1]);
    expect(elsewhere.requests).toEqual([]);
  });

  it('a custom header, which browsers keep across a cross-origin redirect, is not followed either', async () => {
    const outcome = await callThroughRedirect('X-Customer-Token');
    expect(outcome).toEqual({ type: 'opaqueredirect', status: 0 });
    expect(sentTo(redirecting.requests).map((call) => call.headers['x-customer-token'])).toEqual([
      expect.stringMatching(/^[\w-]+\.[\w-]+\.[\w-]+$/),
    ]);
    expect(elsewhere.requests).toEqual([]);

    // What the SDK prevents: a plain fetch with the same header follows the redirect and carries
    // the header to the other origin.
    const { page } = await openWatchedPage(store.context);
    await page.goto(store.demo.storefront.url);
    await page.evaluate(
      (url) => fetch(url, { headers: { 'X-Customer-Token': 'not-a-token' } }),
      `${redirecting.origin}/points`,
    );
    expect(sentTo(elsewhere.requests).map((call) => call.headers['x-customer-token'])).toEqual([
      'not-a-token',
    ]);
  });

  it("the caller's redirect: 'error' is honoured: the call fails and nothing reaches the other origin", async () => {
    const outcome = await callThroughRedirect('Authorization', { redirect: 'error' });
    expect(outcome).toEqual({ error: expect.stringMatching(/^TypeError: /) as unknown });
    // The call went out (so the failure is the redirect's, not the preflight's), and stopped there.
    const calls = sentTo(redirecting.requests);
    expect(calls.map((call) => bearerCustomerId(call.authorization))).toEqual([1]);
    expect(elsewhere.requests).toEqual([]);
  });

  it('an event source, which has no redirect option, follows a redirect that keeps the query: why a stream path must never redirect', async () => {
    const { page } = await signedInPage(store);
    await page.evaluate(
      async ([appClientId, api]) => {
        const { BcCustomerAuth } = window as unknown as StoreWindow;
        const auth = BcCustomerAuth.createCustomerAuth({ appClientId, allowedOrigins: [api] });
        await auth.eventSource(`${api}/points/stream`);
      },
      [CLIENT_ID, redirecting.origin] as const,
    );
    await expect.poll(() => elsewhere.requests.length).toBeGreaterThan(0);
    const [followed] = elsewhere.requests;
    expect(followed?.path).toBe('/points/stream');
    expect(decodeJwtPayload(followed?.query.get('token') ?? '').customer.id).toBe(1);
  });
});
