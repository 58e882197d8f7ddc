/* global window */
// JWT requests saved: N concurrent `bcAuthFetch` calls in real Chromium against the demo, counted
// at the storefront, next to the naive way (fetch a token for every call).
import { median } from '../verify.js';

/**
 * Runs in the page: `calls` concurrent calls to `url`, through the SDK (from a cold cache) or
 * naively (a token request per call).
 *
 * @param {{ url: string, calls: number, naive: boolean, jwtPath: string }} input
 */
async function callConcurrently({ url, calls, naive, jwtPath }) {
  const viaSdk = async () => (await window.bcAuthFetch(url)).text();
  const naively = async () => {
    const jwt = await fetch(jwtPath, {
      headers: { Accept: 'application/json' },
      cache: 'no-store',
    });
    const { token } = await jwt.json();
    return (await fetch(url, { headers: { Authorization: `Bearer ${token}` } })).text();
  };
  if (!naive) window.BcCustomerAuth.getDefaultClient().invalidate();
  await Promise.all(Array.from({ length: calls }, naive ? naively : viaSdk));
}

/**
 * Makes the calls and counts what the servers received: JWT requests at the storefront and
 * `GET /points` requests at the API (which must equal `calls`).
 *
 * @param {import('./store-session.js').StoreSession} session
 */
async function countJwtRequests(session, calls, naive) {
  const { page, demo, jwtPath, pointsUrl, lastSeq } = session;
  const storefrontSeq = lastSeq(demo.storefront.requests);
  const apiSeq = lastSeq(demo.api.requests);
  await page.evaluate(callConcurrently, { url: pointsUrl, calls, naive, jwtPath });
  const received = (requests, seq, path) =>
    requests.filter((entry) => entry.seq > seq && entry.path === path && entry.method === 'GET');
  const apiCalls = received(demo.api.requests, apiSeq, '/points');
  if (apiCalls.length !== calls || apiCalls.some((entry) => entry.status !== 200)) {
    throw new Error(`expected ${calls} answered API calls, the API saw ${apiCalls.length}`);
  }
  return received(demo.storefront.requests, storefrontSeq, '/customer/current.jwt').length;
}

/**
 * For each N in `counts`: the median number of JWT requests over `repetitions` runs of N
 * concurrent `bcAuthFetch` calls, and of N naive calls.
 *
 * @param {import('./store-session.js').StoreSession} session
 * @param {{ counts?: number[], repetitions?: number }} [options]
 * @returns {Promise<Array<{ calls: number, sdkJwtRequests: number, naiveJwtRequests: number }>>}
 */
export async function benchJwtRequests(session, { counts = [1, 10, 100], repetitions = 5 } = {}) {
  const rows = [];
  for (const calls of counts) {
    const sdk = [];
    const naive = [];
    for (let i = 0; i < repetitions; i += 1) {
      sdk.push(await countJwtRequests(session, calls, false));
      naive.push(await countJwtRequests(session, calls, true));
    }
    rows.push({ calls, sdkJwtRequests: median(sdk), naiveJwtRequests: median(naive) });
  }
  return rows;
}
