import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { NotSignedInError, TokenRequestError } from '../../src/browser/index.js';
import type { ResolvedOptions } from '../../src/browser/options.js';
import { createTokenCache } from '../../src/browser/token-cache.js';
import type { ReceivedToken } from '../../src/browser/token-source.js';
import {
  afterTasks,
  fakeClock,
  leavePage,
  newClient,
  nextTurn,
  setPageUrl,
  until,
  type FakeClock,
} from './helpers/page.js';
import { startServer, type TestServer } from './helpers/storefront.js';
import { CLIENT_ID, CUSTOMER, makeJwt } from './helpers/tokens.js';

let server: TestServer;
let clock: FakeClock;

beforeEach(async () => {
  server = await startServer();
  setPageUrl(server.origin + '/');
  clock = fakeClock();
});
afterEach(() => server.close());

const client = (maxTokenAgeMs?: number) =>
  newClient({
    allowedOrigins: [],
    now: clock.now,
    monotonicNow: clock.monotonicNow,
    ...(maxTokenAgeMs === undefined ? {} : { maxTokenAgeMs }),
  });

describe('token cache: age', () => {
  it('reuses the cached token within maxTokenAgeMs (default 5000) and fetches after', async () => {
    const auth = client();
    const first = await auth.getToken();
    clock.advance(4999);
    expect(await auth.getToken()).toBe(first);
    expect(server.tokenRequests).toHaveLength(1);
    clock.advance(1);
    expect(await auth.getToken()).not.toBe(first);
    expect(server.tokenRequests).toHaveLength(2);
  });

  it('fetches for every call when maxTokenAgeMs is 0, yet shares one request between concurrent callers', async () => {
    const auth = client(0);
    await auth.getToken();
    await auth.getToken();
    expect(server.tokenRequests).toHaveLength(2);
    const together = await Promise.all([auth.getToken(), auth.getToken(), auth.getToken()]);
    expect(server.tokenRequests).toHaveLength(3);
    expect(new Set(together).size).toBe(1);
  });

  it.each([3_600_000, Infinity])('treats maxTokenAgeMs %d as 60000', async (maxTokenAgeMs) => {
    const auth = client(maxTokenAgeMs);
    const first = await auth.getToken();
    clock.advance(59_999);
    expect(await auth.getToken()).toBe(first);
    clock.advance(1);
    expect(await auth.getToken()).not.toBe(first);
  });

  it('fetches again when the wall clock is set back', async () => {
    const auth = client();
    const first = await auth.getToken();
    clock.wallMs -= 60_000;
    clock.monotonicMs += 1;
    expect(await auth.getToken()).not.toBe(first);
  });

  it('fetches again after the laptop slept (wall clock moved, monotonic clock did not)', async () => {
    const auth = client();
    const first = await auth.getToken();
    clock.wallMs += 8 * 3_600_000;
    expect(await auth.getToken()).not.toBe(first);
  });

  it('fetches again when only the monotonic clock says the token is old', async () => {
    const auth = client();
    const first = await auth.getToken();
    clock.monotonicMs += 5000;
    expect(await auth.getToken()).not.toBe(first);
  });

  it('never reuses a token past its own lifetime (exp − iat) minus a 30 s margin', async () => {
    const short = makeJwt(1, { iat: 1000, exp: 1040 });
    server.tokenHandler = (_request, response) => {
      response.end(short);
    };
    const auth = client(60_000);
    await auth.getToken();
    clock.advance(9_999);
    await auth.getToken();
    expect(server.tokenRequests).toHaveLength(1);
    clock.advance(1);
    await auth.getToken();
    expect(server.tokenRequests).toHaveLength(2);
  });

  it('counts age from receipt, not from exp against the local clock', async () => {
    // The token "expired" years ago by this machine's clock; it is still fresh for maxTokenAgeMs.
    clock.wallMs = Date.UTC(2040, 0, 1);
    const auth = client();
    const first = await auth.getToken();
    clock.advance(1000);
    expect(await auth.getToken()).toBe(first);
    expect(server.tokenRequests).toHaveLength(1);
  });
});

describe('token cache: single flight', () => {
  it('shares one request between concurrent callers', async () => {
    const auth = client();
    const release = server.holdTokens();
    const callers = Array.from({ length: 10 }, () => auth.getToken());
    await until(() => server.tokenRequests.length == 1);
    release();
    const tokens = await Promise.all(callers);
    expect(server.tokenRequests).toHaveLength(1);
    expect(new Set(tokens)).toEqual(new Set([server.issued[0]]));
  });

  it('force starts a new request that later callers share, and an older request cannot overwrite it', async () => {
    const auth = client();
    const release = server.holdTokens();
    const early = auth.getToken();
    await until(() => server.tokenRequests.length == 1);
    const forced = auth.getToken({ force: true });
    const later = auth.getToken();
    await until(() => server.tokenRequests.length == 2);
    release();
    const [earlyToken, forcedToken, laterToken] = await Promise.all([early, forced, later]);
    expect(forcedToken).toBe(laterToken);
    expect(earlyToken).not.toBe(forcedToken);
    expect(await auth.getToken()).toBe(forcedToken);
    expect(server.tokenRequests).toHaveLength(2);
  });

  it('a forced call shares a forced request already under way', async () => {
    const auth = client();
    await auth.getToken();
    const release = server.holdTokens();
    const first = auth.getToken({ force: true });
    await until(() => server.tokenRequests.length == 2);
    const second = auth.getToken({ force: true });
    release();
    expect(await second).toBe(await first);
    expect(await first).toBe(server.issued[1]);
    expect(server.tokenRequests).toHaveLength(2);
    // Once it has answered, the next forced call asks again.
    expect(await auth.getToken({ force: true })).toBe(server.issued[2]);
  });

  it('a forced call never shares a plain request under way, also after an earlier forced call', async () => {
    const auth = client();
    await auth.getToken({ force: true });
    clock.advance(5000);
    const release = server.holdTokens();
    const plain = auth.getToken();
    await until(() => server.tokenRequests.length == 2);
    const forced = auth.getToken({ force: true });
    await until(() => server.tokenRequests.length == 3);
    release();
    expect(await forced).toBe(server.issued[2]);
    await plain;
    expect(server.tokenRequests).toHaveLength(3);
  });

  it('rejects only the caller whose signal aborted, with its reason; the others share the request', async () => {
    const auth = client();
    const release = server.holdTokens();
    const controller = new AbortController();
    const reason = new Error('caller gave up');
    const aborted = auth.getToken({ signal: controller.signal });
    const patient = auth.getToken();
    await until(() => server.tokenRequests.length == 1);
    controller.abort(reason);
    await expect(aborted).rejects.toBe(reason);
    release();
    await expect(patient).resolves.toBe(server.issued[0]);
    expect(server.tokenRequests).toHaveLength(1);
    // The shared request still filled the cache.
    expect(await auth.getToken()).toBe(server.issued[0]);
  });

  it('rejects at once, without a request, when the signal has already aborted', async () => {
    const auth = client();
    const controller = new AbortController();
    controller.abort();
    await expect(auth.getToken({ signal: controller.signal })).rejects.toBe(
      controller.signal.reason,
    );
    expect(server.tokenRequests).toHaveLength(0);
  });
});

describe('token cache: epoch guard', () => {
  it('does not repopulate the cache from a request started before invalidate(); its callers ask again', async () => {
    const auth = client();
    const release = server.holdTokens();
    const pending = auth.getToken();
    await until(() => server.tokenRequests.length == 1);
    auth.invalidate();
    release();
    const token = await pending;
    expect(server.tokenRequests).toHaveLength(2);
    expect(token).toBe(server.issued[1]);
    expect(await auth.getToken()).toBe(server.issued[1]);
    expect(server.tokenRequests).toHaveLength(2);
  });

  it('starts a new request for a caller after invalidate(), not waiting on the disowned one', async () => {
    const auth = client();
    const release = server.holdTokens();
    const before = auth.getToken();
    await until(() => server.tokenRequests.length == 1);
    auth.invalidate();
    const after = auth.getToken();
    // Both requests are asked while the first is still unanswered.
    await until(() => server.tokenRequests.length == 2);
    release();
    expect(await after).toBe(server.issued[1]);
    expect(await before).toBe(server.issued[1]);
    expect(server.tokenRequests).toHaveLength(2);
  });

  it('never hands out the old shopper’s token when a logout and a new login land mid-request', async () => {
    document.body.innerHTML = '<a href="/login.php?action=logout">Sign out</a>';
    const auth = client();
    await auth.getToken();
    clock.advance(10_000);
    const release = server.holdTokens();
    const pending = auth.getToken();
    await until(() => server.tokenRequests.length == 2);
    // The request already reached the server as shopper 1; then the shopper signs out and 2 signs in.
    document.querySelector('a')?.click();
    leavePage();
    server.customerId = 2;
    release();
    await pending;
    expect(auth.getCustomer()?.id).toBe(2);
    expect(await pending).toBe(server.issued[2]);
    expect(server.tokenRequests).toHaveLength(3);
  });

  it('sends no token when invalidate() lands 0 to 39 microtasks after it arrived', async () => {
    // Between the check that a token is still current and its use, no identity event may slip
    // in: the request goes out before invalidate() with that token, or after it with a new one.
    const outcomes = new Set<boolean>();
    for (let delay = 0; delay < 40; delay += 1) {
      let invalidated = false;
      const sent: { authorization: string | null; afterInvalidate: boolean }[] = [];
      const auth = newClient({
        allowedOrigins: [server.origin],
        now: clock.now,
        monotonicNow: clock.monotonicNow,
        fetch: (input, init) => {
          const request = new Request(input, init);
          if (!request.url.endsWith('/points')) return fetch(input, init);
          sent.push({
            authorization: request.headers.get('authorization'),
            afterInvalidate: invalidated,
          });
          return Promise.resolve(new Response('{}'));
        },
      });
      const unsubscribe = auth.on('token', () => {
        unsubscribe();
        void microtasks(delay).then(() => {
          invalidated = true;
          auth.invalidate();
        });
      });
      const first = server.issued.length;
      await auth.fetch(server.origin + '/points');
      await microtasks(delay);

      expect(invalidated).toBe(true);
      expect(sent).toHaveLength(1);
      const [{ authorization, afterInvalidate }] = sent as [(typeof sent)[0]];
      const stale = afterInvalidate && authorization === `Bearer ${server.issued[first]}`;
      expect(stale, `invalidate() ${delay} microtasks after: the older token was sent`).toBe(false);
      const expected = server.issued[afterInvalidate ? first + 1 : first];
      expect(authorization).toBe(`Bearer ${expected}`);
      expect(server.issued).toHaveLength(afterInvalidate ? first + 2 : first + 1);
      outcomes.add(afterInvalidate);
      auth.destroy();
    }
    // Both sides of the check were reached: the delays span the token's way to its use.
    expect([...outcomes].sort()).toEqual([false, true]);
  });

  it('gives a typed error when the shopper signed out mid-request', async () => {
    const auth = client();
    const release = server.holdTokens();
    const pending = auth.getToken();
    await until(() => server.tokenRequests.length == 1);
    auth.invalidate();
    server.customerId = null;
    release();
    await expect(pending).rejects.toBeInstanceOf(NotSignedInError);
  });

  it('a 404 after a token emits logout and purges the cache', async () => {
    const auth = client(0);
    const logouts: unknown[] = [];
    auth.on('logout', (detail) => logouts.push(detail));
    await auth.getToken();
    server.customerId = null;
    await expect(auth.getToken()).rejects.toMatchObject({ code: 'NOT_SIGNED_IN' });
    expect(logouts).toEqual([{ previous: expect.objectContaining({ id: 1 }) }]);
    expect(auth.getCustomer()).toBeNull();
  });
});

describe('token cache: identity events raised by listeners', () => {
  it('does not hand out a token that arrived before invalidate() called from a token listener', async () => {
    const auth = client();
    let first = true;
    auth.on('token', () => {
      if (first) {
        first = false;
        auth.invalidate();
      }
    });
    const token = await auth.getToken();
    expect(token).toBe(server.issued[1]);
    expect(server.tokenRequests).toHaveLength(2);
  });

  it('keeps a sign-out raised from a customerchange listener: the new shopper’s token is dropped', async () => {
    document.body.innerHTML = '<a href="/login.php?action=logout">Sign out</a>';
    const auth = client();
    await auth.getToken();
    server.customerId = 2;
    auth.on('customerchange', () => {
      server.customerId = null;
      document.querySelector('a')?.click();
      leavePage();
    });
    const logouts: unknown[] = [];
    auth.on('logout', (detail) => logouts.push(detail));
    await expect(auth.getToken({ force: true })).rejects.toBeInstanceOf(NotSignedInError);
    expect(logouts).toHaveLength(1);
    expect(auth.getCustomer()).toBeNull();
    await expect(auth.getToken()).rejects.toMatchObject({ code: 'NOT_SIGNED_IN' });
    expect(server.tokenRequests).toHaveLength(4);
  });
});

describe('token cache: calls made by listeners', () => {
  it('a call from a token listener shares the token being delivered, also with maxTokenAgeMs 0', async () => {
    const auth = client(0);
    const fromListener: Promise<string>[] = [];
    auth.on('token', () => {
      // Once only: were it not shared, a listener that asks on every token would ask without end.
      if (!fromListener.length) fromListener.push(auth.getToken());
    });
    const token = await auth.getToken();
    expect(await fromListener[0]).toBe(token);
    expect(server.tokenRequests).toHaveLength(1);
    // Later calls still fetch.
    await auth.getToken();
    expect(server.tokenRequests).toHaveLength(2);
  });
});

/** A `fetch` whose answers the test gives, in any order. */
function answeredByHand() {
  const answers: ((response: Response) => void)[] = [];
  const fetchStub = vi.fn(
    () => new Promise<Response>((resolve) => answers.push(resolve)),
  ) as unknown as typeof fetch;
  return { answers, fetchStub };
}

describe('token cache: out-of-order and stale answers', () => {
  it('ignores an older answer that arrives after a newer one: no false customerchange', async () => {
    const { answers, fetchStub } = answeredByHand();
    const auth = newClient({ allowedOrigins: [], fetch: fetchStub });
    const changes: unknown[] = [];
    auth.on('customerchange', (detail) => changes.push(detail));
    const early = auth.getToken();
    const forced = auth.getToken({ force: true });
    await until(() => answers.length == 2);
    const newer = makeJwt(2);
    answers[1]?.(new Response(newer));
    expect(await forced).toBe(newer);
    answers[0]?.(new Response(makeJwt(1)));
    // The older request's caller gets the newer token.
    expect(await early).toBe(newer);
    expect(auth.getCustomer()?.id).toBe(2);
    expect(changes).toEqual([]);
  });

  it('ignores an older 404 that arrives after a newer token: no false logout', async () => {
    const { answers, fetchStub } = answeredByHand();
    const auth = newClient({ allowedOrigins: [], fetch: fetchStub, maxTokenAgeMs: 0 });
    const logouts: unknown[] = [];
    auth.on('logout', (detail) => logouts.push(detail));
    const first = auth.getToken();
    await until(() => answers.length == 1);
    answers[0]?.(new Response(makeJwt(1)));
    await first;
    const early = auth.getToken();
    const forced = auth.getToken({ force: true });
    await until(() => answers.length == 3);
    const newer = makeJwt(1);
    answers[2]?.(new Response(newer));
    await forced;
    answers[1]?.(new Response('{"errors":[]}', { status: 404 }));
    // With maxTokenAgeMs 0 the newer token is not reused: the older request's caller asks again.
    await until(() => answers.length == 4);
    const current = makeJwt(1);
    answers[3]?.(new Response(current));
    expect(await early).toBe(current);
    expect(logouts).toEqual([]);
    expect(auth.getCustomer()?.id).toBe(1);
  });

  it('asks again when a 404 answers a request disowned by another identity event, then signs out', async () => {
    const closed: number[] = [];
    class FakeEventSource {
      readyState = 1;
      constructor(readonly url: string) {}
      close() {
        closed.push(Date.now());
        this.readyState = 2;
      }
    }
    const auth = newClient({
      allowedOrigins: [server.origin],
      EventSource: FakeEventSource as unknown as typeof EventSource,
      maxTokenAgeMs: 0,
    });
    const logouts: unknown[] = [];
    auth.on('logout', (detail) => logouts.push(detail));
    await auth.eventSource(server.origin + '/stream');
    const release = server.holdTokens();
    const pending = auth.getToken();
    await until(() => server.tokenRequests.length == 2);
    auth.invalidate();
    server.customerId = null;
    release();
    await expect(pending).rejects.toBeInstanceOf(NotSignedInError);
    // The event source's, the disowned one, the check of whose the event source is, and one ask
    // again, or two when the check's 404 (a sign-out) lands between the disowned answer and it.
    expect(server.tokenRequests.length).toBeOneOf([4, 5]);
    expect(auth.getCustomer()).toBeNull();
    expect(logouts).toHaveLength(1);
    expect(closed).toHaveLength(1);
  });
});

/** A client on the fake clock whose token requests the test answers by hand. */
function clockedClientAnsweredByHand() {
  const { answers, fetchStub } = answeredByHand();
  const auth = newClient({
    allowedOrigins: [],
    fetch: fetchStub,
    now: clock.now,
    monotonicNow: clock.monotonicNow,
  });
  return { answers, auth };
}

/**
 * A call's token request is overtaken by a forced one, whose token arrives first; the older request
 * answers `ageMs` later.
 */
async function answerOvertakenRequest(ageMs: number) {
  const { answers, auth } = clockedClientAnsweredByHand();
  const early = auth.getToken();
  const forced = auth.getToken({ force: true });
  await until(() => answers.length == 2);
  const newer = makeJwt(1);
  answers[1]?.(new Response(newer));
  expect(await forced).toBe(newer);
  clock.advance(ageMs);
  answers[0]?.(new Response(makeJwt(1)));
  return { answers, early, newer };
}

describe('token cache: what a superseded answer’s callers get', () => {
  it('not an older cached token: they ask again after a newer request failed', async () => {
    const { answers, auth } = clockedClientAnsweredByHand();
    const first = auth.getToken();
    await until(() => answers.length == 1);
    const old = makeJwt(1);
    answers[0]?.(new Response(old));
    expect(await first).toBe(old);
    clock.advance(10_000);
    const early = auth.getToken();
    const forced = auth.getToken({ force: true });
    await until(() => answers.length == 3);
    answers[2]?.(new Response('', { status: 503 }));
    await expect(forced).rejects.toMatchObject({ code: 'TOKEN_REQUEST_FAILED', status: 503 });
    answers[1]?.(new Response(makeJwt(2)));
    // Superseded by the failure, the older answer is not applied; its caller asks again.
    await until(() => answers.length == 4);
    const current = makeJwt(2);
    answers[3]?.(new Response(current));
    expect(await early).toBe(current);
    expect(auth.getCustomer()?.id).toBe(2);
  });

  it.each([
    [5000, 'maxTokenAgeMs'],
    [16 * 60_000, 'past its own lifetime: the laptop slept with the older request in flight'],
  ])('not a newer token %i ms old (%s): they ask again', async (ageMs) => {
    const { answers, early } = await answerOvertakenRequest(ageMs);
    await until(() => answers.length == 3);
    const fresh = makeJwt(1);
    answers[2]?.(new Response(fresh));
    expect(await early).toBe(fresh);
  });

  it('a newer token still within maxTokenAgeMs: they share it, with no request of their own', async () => {
    const { answers, early, newer } = await answerOvertakenRequest(4999);
    expect(await early).toBe(newer);
    expect(answers).toHaveLength(2);
  });
});

describe('token cache: a caller whose request clear() disowned', () => {
  it.each([false, true])(
    'shares the request started after it, with no request of its own (force: %s)',
    async (force) => {
      // Also a forced call (a 401's retry): a request started after its own is new enough.
      const answers: ((token: ReceivedToken) => void)[] = [];
      const request = () => new Promise<ReceivedToken>((resolve) => answers.push(resolve));
      const options = { maxTokenAgeMs: 5000, now: clock.now, monotonicNow: clock.monotonicNow };
      const [get, clear] = createTokenCache(
        request,
        () => {},
        () => {},
        options as ResolvedOptions,
        () => false,
      );
      const received = (jwt: string): ReceivedToken => [jwt, CUSTOMER, 900_000];
      const disowned = get(null, force);
      clear();
      const after = get();
      expect(answers).toHaveLength(2);
      answers[0]?.(received('disowned'));
      // The disowned answer settles, and its caller asks again, before the new request answers.
      await nextTurn();
      const current = received('current');
      answers[1]?.(current);
      expect(await after).toBe(current);
      expect(await disowned).toBe(current);
      expect(answers).toHaveLength(2);
    },
  );
});

describe('token cache: a call whose answers keep being disowned', () => {
  // A microtask later: `auth.on('token', async ({ customer }) => { if (!(await isMember(customer)))
  // auth.invalidate(); })`, with `isMember` answering from memory.
  it.each([
    ['at once', (invalidate: () => void) => invalidate()],
    ['a microtask later', (invalidate: () => void) => queueMicrotask(invalidate)],
  ])(
    'gives up after 5 requests with TOKEN_REQUEST_FAILED when a token listener invalidates %s',
    async (_when, later) => {
      const auth = client();
      auth.on('token', () => later(auth.invalidate));
      const error = await auth.getToken().catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(TokenRequestError);
      expect(error).toMatchObject({ code: 'TOKEN_REQUEST_FAILED', status: 0 });
      expect(server.tokenRequests).toHaveLength(5);
    },
  );

  it('counts no invalidate() made while its request is out: five of them still leave it a token', async () => {
    const answers: ((jwt: string | null) => void)[] = [];
    const auth = newClient({
      allowedOrigins: [],
      maxTokenAgeMs: 0,
      getToken: () => new Promise<string | null>((resolve) => answers.push(resolve)),
    });
    const outcome = auth.getToken().catch((caught: unknown) => caught);
    for (let round = 0; round < 5; round++) {
      await until(() => answers.length == 2 * round + 1);
      // The app drops the token (after a GraphQL sign-in, say) while the request is out; the
      // cache asks again for the new epoch.
      auth.invalidate();
      answers[2 * round]?.(makeJwt(1));
      await until(() => answers.length == 2 * round + 2);
      answers[2 * round + 1]?.(makeJwt(1));
      await afterTasks(2);
    }
    await until(() => answers.length == 11);
    const token = makeJwt(1);
    answers[10]?.(token);
    expect(await outcome).toBe(token);
  });

  /**
   * A client whose tokens come from memory (a getToken option) and whose token listener drops each
   * a microtask later. Past 100 requests the shopper reads as signed out, so that a client that
   * asks on stops.
   */
  function droppingClient() {
    const counter = { asked: 0 };
    const auth = newClient({
      allowedOrigins: [],
      getToken: () => Promise.resolve(++counter.asked > 100 ? null : makeJwt(1)),
    });
    auth.on('token', () => queueMicrotask(auth.invalidate));
    return { auth, counter };
  }

  it.each([1, 3])(
    'gives up after 5 requests of its own while %i forced call(s) ask alongside it',
    async (forcedCalls) => {
      const { auth, counter } = droppingClient();
      const plain = auth.getToken().catch((caught: unknown) => caught);
      // Each forced call (a 401's retry, say) takes a token in the same turns as the plain call's,
      // and gives up after its own five.
      for (let call = 0; call < forcedCalls; call++) {
        expect(
          await auth.getToken({ force: true }).catch((caught: unknown) => caught),
        ).toBeInstanceOf(TokenRequestError);
      }
      expect(await plain).toBeInstanceOf(TokenRequestError);
      expect(counter.asked).toBe(5 + 5 * forcedCalls);
    },
  );

  it('gives up when its tokens come from memory (a getToken option), leaving the page its tasks', async () => {
    const { auth, counter } = droppingClient();
    const outcome = auth.getToken().catch((caught: unknown) => caught);
    // A task runs: the call did not keep the page busy with microtasks.
    await afterTasks(1);
    expect(counter.asked).toBe(5);
    expect(await outcome).toBeInstanceOf(TokenRequestError);
  });
});

describe('token cache: a page rendered for the same shopper in another tab', () => {
  let otherPage: BroadcastChannel;
  beforeEach(() => {
    otherPage = new BroadcastChannel('bc-customer-auth:' + CLIENT_ID);
  });
  afterEach(() => otherPage.close());

  /** A signed-in client whose token answers (a getToken option) the test gives. */
  async function answeredClient() {
    const answers: ((jwt: string | null) => void)[] = [];
    const auth = newClient({
      allowedOrigins: [],
      now: clock.now,
      monotonicNow: clock.monotonicNow,
      getToken: () => new Promise<string | null>((resolve) => answers.push(resolve)),
    });
    const events: string[] = [];
    auth.on('logout', () => events.push('logout'));
    auth.on('customerchange', () => events.push('customerchange'));
    const first = auth.getToken();
    answers[0]?.(makeJwt(1));
    return { auth, answers, events, first: await first };
  }

  it.each([
    ['a 404', null],
    ["another shopper's token", makeJwt(2)],
  ])(
    'while a call waits: %s asked for before it is not applied, and the call asks again',
    async (_what, stale) => {
      const { auth, answers, events } = await answeredClient();
      clock.advance(5000);
      const call = auth.getToken();
      // Signed out (or in as someone else) and back in again: a page in another tab says so.
      otherPage.postMessage('c1');
      await afterTasks(3);
      answers[1]?.(stale);
      await until(() => answers.length == 3);
      const token = makeJwt(1);
      answers[2]?.(token);
      expect(await call).toBe(token);
      expect(events).toEqual([]);
      expect(auth.getCustomer()?.id).toBe(1);
    },
  );

  it("while a call waits: this shopper's token asked for before it is used, however many such pages load", async () => {
    const { auth, answers } = await answeredClient();
    clock.advance(5000);
    const call = auth.getToken();
    for (let page = 0; page < 5; page++) otherPage.postMessage('c1');
    await afterTasks(3);
    const token = makeJwt(1);
    answers[1]?.(token);
    expect(await call).toBe(token);
    expect(answers).toHaveLength(2);
  });

  it("while a call waits: a token listener's invalidate() a microtask later is counted, however many such pages load", async () => {
    const { auth, answers } = await answeredClient();
    auth.on('token', () => queueMicrotask(auth.invalidate));
    clock.advance(5000);
    const outcome = auth.getToken().catch((caught: unknown) => caught);
    let settled = false;
    void outcome.then(() => (settled = true));
    for (let request = 1; request <= 5; request++) {
      await until(() => answers.length == request + 1);
      otherPage.postMessage('c1');
      await afterTasks(3);
      answers[request]?.(makeJwt(1));
      await afterTasks(2);
    }
    expect(settled).toBe(true);
    expect(await outcome).toBeInstanceOf(TokenRequestError);
    expect(answers).toHaveLength(6);
  });

  it.each([
    ["this shopper's token", makeJwt(1)],
    ['a 404', null],
  ])(
    'while a forced call waits, then %s: it never gets the token cached before it',
    async (_what, answer) => {
      const { auth, answers, first } = await answeredClient();
      const forced = auth.getToken({ force: true });
      otherPage.postMessage('c1');
      await afterTasks(3);
      answers[1]?.(answer);
      if (answer === null) {
        await until(() => answers.length == 3);
        answers[2]?.(makeJwt(1));
      }
      const token = await forced;
      expect(token).not.toBe(first);
      expect(answers).toHaveLength(answer === null ? 3 : 2);
    },
  );

  it("a 401's retry is sent with its own fresh token, not the one the API refused", async () => {
    const sent: string[] = [];
    server.apiHandler = (request, response) => {
      sent.push(request.headers.authorization ?? '');
      response.writeHead(sent.length == 1 ? 401 : 200).end();
    };
    const auth = newClient({ allowedOrigins: [server.origin] });
    await auth.getToken();
    const release = server.holdTokens();
    const call = auth.fetch(server.origin + '/points');
    // The retry's token request is held; another tab loads a page for the same shopper meanwhile.
    await until(() => server.tokenRequests.length == 2);
    otherPage.postMessage('c1');
    await afterTasks(3);
    release();
    expect((await call).status).toBe(200);
    expect(sent).toHaveLength(2);
    expect(sent[1]).not.toBe(sent[0]);
    // The retry's own token is used: the page costs no request.
    expect(server.tokenRequests).toHaveLength(2);
  });
});

describe('token cache: identity events from elsewhere during a slow first request', () => {
  it('are not counted against the call: five other tabs loading pages do not make it fail', async () => {
    const answers: ((jwt: string) => void)[] = [];
    // Counts the notices the client's own channel received: its listener runs in the same dispatch.
    let heard = 0;
    class CountingChannel extends BroadcastChannel {
      constructor(name: string) {
        super(name);
        this.addEventListener('message', () => (heard += 1));
      }
    }
    const auth = newClient({
      allowedOrigins: [],
      BroadcastChannel: CountingChannel,
      getToken: () => new Promise<string>((resolve) => answers.push(resolve)),
    });
    const otherTabs = new BroadcastChannel('bc-customer-auth:' + CLIENT_ID);
    try {
      const call = auth.getToken();
      // A restored session: five tabs load pages for customer 1 while each answer is on its way.
      for (let tabs = 1; tabs <= 5; tabs++) {
        await until(() => answers.length == tabs);
        otherTabs.postMessage('c1');
        // The answer comes once the client has the notice, however late a loaded machine delivers it.
        await until(() => heard == tabs);
        answers[tabs - 1]?.(makeJwt(1));
      }
      await until(() => answers.length == 6);
      const token = makeJwt(1);
      answers[5]?.(token);
      expect(await call).toBe(token);
    } finally {
      otherTabs.close();
    }
  });
});

describe('token cache: a stalled request', () => {
  it.each([0, 3])(
    'is dropped when its last waiter gives up, so later calls start afresh (%i calls answered before)',
    async (answeredBefore) => {
      // The request after the answered ones (which shared one) never answers (a hung connection);
      // later ones do.
      const hung = answeredBefore ? 2 : 1;
      const fetchStub = vi.fn((input: RequestInfo | URL, init?: RequestInit) =>
        fetchStub.mock.calls.length == hung
          ? new Promise<Response>(() => undefined)
          : fetch(input, init),
      );
      const auth = newClient({
        allowedOrigins: [],
        fetch: fetchStub as typeof fetch,
        maxTokenAgeMs: 0,
      });
      // Callers that shared an answered request are not counted as waiting on the next one.
      await Promise.all(Array.from({ length: answeredBefore }, () => auth.getToken()));
      const controller = new AbortController();
      const stalled = auth.getToken({ signal: controller.signal });
      await until(() => fetchStub.mock.calls.length == hung);
      const reason = new Error('gave up');
      controller.abort(reason);
      await expect(stalled).rejects.toBe(reason);
      const later = auth.getToken();
      await until(() => fetchStub.mock.calls.length == hung + 1);
      expect(await later).toBe(server.issued.at(-1));
    },
  );

  it('stays shared while another caller still waits', async () => {
    const auth = client();
    const release = server.holdTokens();
    const controller = new AbortController();
    const leaving = auth.getToken({ signal: controller.signal });
    const staying = auth.getToken();
    await until(() => server.tokenRequests.length == 1);
    controller.abort();
    await expect(leaving).rejects.toBe(controller.signal.reason);
    const joining = auth.getToken();
    release();
    expect(await joining).toBe(await staying);
    expect(server.tokenRequests).toHaveLength(1);
  });
});

async function microtasks(count: number): Promise<void> {
  for (let step = 0; step < count; step += 1) await Promise.resolve();
}
