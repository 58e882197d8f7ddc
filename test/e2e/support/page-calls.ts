import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import type { Demo } from '../../../demo/start-demo.js';
import type { RecordedRequest } from '../../../demo/lib/request-recorder.js';
import type { StoreWindow } from './store-page.js';

/** What a call made in the page came to: a response, or a rejection's name, code and message. */
export type CallOutcome =
  | { status: number; body: unknown; error?: undefined }
  | { error: { name: string; code: string | undefined; message: string } };

/** Calls `bcAuthFetch(url, init)` in the page and reports the outcome. */
export function callInPage(
  page: Page,
  url: string,
  init?: { method: string; body: string },
): Promise<CallOutcome> {
  return page.evaluate(
    async ({ url, init }) => {
      const store = window as unknown as StoreWindow;
      const request = init && { ...init, headers: { 'Content-Type': 'application/json' } };
      try {
        const response = await store.bcAuthFetch(url, request);
        return { status: response.status, body: (await response.json()) as unknown };
      } catch (error) {
        const { name, code, message } = error as { name: string; code?: string; message: string };
        return { error: { name, code, message } };
      }
    },
    { url, init },
  );
}

/** Calls `bcAuthWebSocket(url)` in the page; resolves to `'opened'` or the rejection's code. */
export function openSocketInPage(page: Page, url: string): Promise<string> {
  return page.evaluate(async (url) => {
    const store = window as unknown as StoreWindow;
    try {
      const socket = await store.bcAuthWebSocket(url);
      await new Promise((resolve, reject) => {
        socket.addEventListener('open', resolve);
        socket.addEventListener('error', reject);
      });
      return 'opened';
    } catch (error) {
      return (error as { code?: string }).code ?? String(error);
    }
  }, url);
}

/** The storefront's recorded Current Customer JWT requests. */
export function jwtRequests(demo: Demo): RecordedRequest[] {
  return demo.storefront.requests.filter((entry) => entry.path === '/customer/current.jwt');
}

/** The loyalty API's recorded requests after `seq` (HTTP and WebSocket handshakes). */
export function apiRequestsAfter(demo: Demo, seq: number): RecordedRequest[] {
  return demo.api.requests.filter((entry) => entry.seq > seq);
}

/** The highest `seq` recorded so far by a server, to count what arrives after it. */
export function lastSeq(requests: readonly RecordedRequest[]): number {
  return requests.at(-1)?.seq ?? 0;
}

/** Where the demo's request records stand, so an assertion can count only what comes after. */
export interface RequestMark {
  readonly apiSeq: number;
  readonly jwtCount: number;
}

export function markRequests(demo: Demo): RequestMark {
  return { apiSeq: lastSeq(demo.api.requests), jwtCount: jwtRequests(demo).length };
}

/**
 * Calls the API from the page and asserts the call failed as not signed in: since `mark`, the
 * storefront answered exactly one JWT request with 404 and the API received nothing. With
 * `askedTwice`, two 404s are accepted too: a notice that lands mid-call (another page's beacon)
 * disowns the first answer and the SDK asks again, or a restored page checks its open sockets.
 */
export async function expectNotSignedInCall(
  page: Page,
  demo: Demo,
  mark: RequestMark = markRequests(demo),
  { askedTwice = false } = {},
): Promise<void> {
  const outcome = await callInPage(page, `${demo.api.origin}/points`);
  expect(outcome.error?.code).toBe('NOT_SIGNED_IN');
  const answers = jwtRequests(demo)
    .slice(mark.jwtCount)
    .map((entry) => entry.status);
  expect(answers).toEqual(askedTwice && answers.length == 2 ? [404, 404] : [404]);
  expect(apiRequestsAfter(demo, mark.apiSeq)).toEqual([]);
}
