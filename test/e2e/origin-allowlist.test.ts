import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeInChromium } from './support/chromium.js';
import {
  apiRequestsAfter,
  callInPage,
  jwtRequests,
  lastSeq,
  openSocketInPage,
} from './support/page-calls.js';
import { startRecordingServer, type RecordingServer } from './support/recording-server.js';
import { useStoreInChromium } from './support/store-fixture.js';
import { signedInPage } from './support/store-page.js';

describeInChromium('scenario 8: only allowed origins receive the token', () => {
  let other: RecordingServer;
  beforeAll(async () => {
    other = await startRecordingServer();
  });
  afterAll(() => other?.close());
  // The page's CSP admits the other server too, so only the SDK's allowlist stands in the way.
  // Nothing is cached (`maxTokenAgeMs` 0), so a call that wanted a token would show at the
  // storefront. (invalidate() would not do: with the page's live socket open, it asks at once.)
  const store = useStoreInChromium({
    demo: () => ({ extraConnectOrigins: [other.origin], maxTokenAgeMs: 0 }),
  });

  async function signedInEmptyCache() {
    const { page } = await signedInPage(store);
    return page;
  }

  it('8. bcAuthFetch to an origin that is not allowed rejects and that server receives nothing', async () => {
    const { demo } = store;
    const page = await signedInEmptyCache();
    const jwtBefore = jwtRequests(demo).length;

    const outcome = await callInPage(page, `${other.origin}/points`);

    expect(outcome.error).toMatchObject({
      name: 'OriginNotAllowedError',
      code: 'ORIGIN_NOT_ALLOWED',
    });
    expect(outcome.error?.message).toContain(other.origin);
    expect(other.requests).toEqual([]);
    expect(jwtRequests(demo).length).toBe(jwtBefore);
    // The same server is reachable from the page: only the allowlist kept the call away.
    expect(
      await page.evaluate((url) => fetch(url).then((r) => r.status), `${other.origin}/ping`),
    ).toBe(200);
    expect(other.requests.map((entry) => entry.path)).toEqual(['/ping']);
    other.requests.length = 0;
  });

  it('8. the API itself under another name (localhost, not 127.0.0.1) is refused too', async () => {
    const { demo } = store;
    const page = await signedInEmptyCache();
    const since = lastSeq(demo.api.requests);
    const renamed = `http://localhost:${demo.api.port}/points`;
    const outcome = await callInPage(page, renamed);
    expect(outcome.error?.code).toBe('ORIGIN_NOT_ALLOWED');
    expect(apiRequestsAfter(demo, since)).toEqual([]);
  });

  it('8. bcAuthWebSocket to an origin that is not allowed rejects and that server receives nothing', async () => {
    const { demo } = store;
    const page = await signedInEmptyCache();
    const jwtBefore = jwtRequests(demo).length;
    const ws = other.origin.replace('http', 'ws');
    expect(await openSocketInPage(page, `${ws}/points/live`)).toBe('ORIGIN_NOT_ALLOWED');
    // A plain socket to the same server, after the refusal: it arrives, and alone.
    await page.evaluate(
      (url) =>
        new Promise<void>((settle) => {
          const socket = new WebSocket(url);
          socket.onclose = socket.onerror = () => settle();
        }),
      `${ws}/ping`,
    );
    expect(other.requests.map((entry) => entry.path)).toEqual(['/ping']);
    other.requests.length = 0;
    expect(jwtRequests(demo).length).toBe(jwtBefore);
  });
});
