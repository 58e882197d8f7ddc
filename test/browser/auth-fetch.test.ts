import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { OriginNotAllowedError, UnauthorizedError } from '../../src/browser/index.js';
import { newClient, setPageUrl, until } from './helpers/page.js';
import { startServer, type TestServer } from './helpers/storefront.js';
import { makeJwt } from './helpers/tokens.js';

let server: TestServer;

beforeEach(async () => {
  server = await startServer();
  setPageUrl(server.origin + '/');
});
afterEach(() => server.close());

/** The API calls an injected fetch received: each one a Request (the token request is not one). */
const apiCalls = (fetchSpy: { mock: { calls: unknown[][] } }) =>
  fetchSpy.mock.calls.map(([input]) => input).filter((input) => input instanceof Request);

const always401 = (_request: unknown, response: import('node:http').ServerResponse) => {
  response.writeHead(401, { 'content-type': 'application/json' });
  response.end('{"error":"unauthorized"}');
};

/** An API handler that answers 401 to the first request and `ok` to every later one. */
const unauthorizedOnce = () => {
  let calls = 0;
  return (request: unknown, response: import('node:http').ServerResponse) => {
    if (++calls == 1) return always401(request, response);
    response.end('ok');
  };
};

describe('client.fetch', () => {
  it('sends the token as a Bearer header to an allowed origin and returns the response', async () => {
    const auth = newClient({ allowedOrigins: [server.origin] });
    const response = await auth.fetch(server.origin + '/points?x=1');
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ path: '/points?x=1' });
    expect(server.apiRequests[0]?.authorization).toBe('Bearer ' + server.issued[0]);
  });

  it('replaces an Authorization header the caller set: exactly one value, the token', async () => {
    const auth = newClient({ allowedOrigins: [server.origin] });
    await auth.fetch(server.origin + '/points', { headers: { Authorization: 'Bearer stale' } });
    await auth.fetch(
      new Request(server.origin + '/points', { headers: { Authorization: 'Basic dXNlcjpwYXNz' } }),
    );
    expect(server.apiRequests.map((r) => r.authorization)).toEqual([
      'Bearer ' + server.issued[0],
      'Bearer ' + server.issued[0],
    ]);
  });

  it('resolves a relative URL against the page, keeps the caller’s headers, uses the configured header', async () => {
    const auth = newClient({
      allowedOrigins: [server.origin],
      authHeaderName: 'X-Customer-Token',
      authScheme: '',
    });
    await auth.fetch('points', { method: 'POST', body: 'a=1', headers: { 'X-Trace': 't1' } });
    const [wire] = server.apiRequests;
    expect(wire).toMatchObject({ method: 'POST', path: '/points', body: 'a=1' });
    expect(wire?.authorization).toBeUndefined();
    const fetchSpy = vi.fn(fetch);
    const spied = newClient({
      allowedOrigins: [server.origin],
      authHeaderName: 'X-Customer-Token',
      authScheme: '',
      fetch: fetchSpy,
    });
    await spied.fetch('points', { headers: { 'X-Trace': 't2' } });
    const [sent] = apiCalls(fetchSpy);
    expect(sent?.url).toBe(server.origin + '/points');
    expect(sent?.headers.get('X-Customer-Token')).toBe(server.issued.at(-1));
    expect(sent?.headers.get('X-Trace')).toBe('t2');
  });

  it.each([
    ['another origin', 'https://evil.test/points'],
    ['a suffix domain', 'https://api.example.com.evil.test/points'],
    ['credentials that hide the host', 'https://api.example.com@evil.test/points'],
    ['http on the allowed host', 'http://api.example.com/points'],
    ['another port', 'https://api.example.com:8443/points'],
    ['a data: URL', 'data:text/plain,hello'],
  ])('refuses %s before asking for a token', async (_name, url) => {
    const auth = newClient({ allowedOrigins: ['https://api.example.com'] });
    const error = await auth.fetch(url).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OriginNotAllowedError);
    expect(error).toMatchObject({ code: 'ORIGIN_NOT_ALLOWED' });
    expect(server.tokenRequests).toHaveLength(0);
  });

  it('names the refused origin (not the URL) on the error', async () => {
    const auth = newClient({ allowedOrigins: ['https://api.example.com'] });
    await expect(auth.fetch('https://api.example.com.evil.test/a?secret=1')).rejects.toMatchObject({
      origin: 'https://api.example.com.evil.test',
      message: 'bc-customer-auth: origin not allowed: https://api.example.com.evil.test',
    });
  });

  it('refuses a Request for an origin that is not allowed', async () => {
    const auth = newClient({ allowedOrigins: ['https://api.example.com'] });
    await expect(auth.fetch(new Request('https://evil.test/'))).rejects.toBeInstanceOf(
      OriginNotAllowedError,
    );
  });

  it('checks the URL a Request really has, not a .url an object claims', async () => {
    const auth = newClient({ allowedOrigins: ['https://api.example.com'] });
    // Not a Request: it is requested by its string form, here the page's own origin.
    const input = {
      url: 'https://api.example.com/points',
      toString: () => server.origin + '/leak',
    } as unknown as string;
    const error = await auth.fetch(input).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OriginNotAllowedError);
    expect(error).toMatchObject({ code: 'ORIGIN_NOT_ALLOWED', origin: server.origin });
    expect(server.tokenRequests).toHaveLength(0);
    expect(server.apiRequests).toHaveLength(0);
  });

  it.each([undefined, null])(
    'reads %s input like fetch does: a URL relative to the page',
    async (input) => {
      const auth = newClient({ allowedOrigins: ['https://api.example.com'] });
      const error = await auth.fetch(input as unknown as string).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(OriginNotAllowedError);
      expect(error).toMatchObject({ origin: server.origin });
    },
  );

  it('retries a 401 once with a freshly fetched token, then succeeds', async () => {
    const auth = newClient({ allowedOrigins: [server.origin] });
    await auth.getToken();
    server.apiHandler = unauthorizedOnce();
    const response = await auth.fetch(server.origin + '/points', { method: 'PUT', body: 'x' });
    expect(await response.text()).toBe('ok');
    expect(server.apiRequests).toHaveLength(2);
    expect(server.tokenRequests).toHaveLength(2);
    expect(server.apiRequests[1]?.authorization).toBe('Bearer ' + server.issued[1]);
    expect(server.apiRequests.map((r) => r.body)).toEqual(['x', 'x']);
  });

  it('hands back a 403 as it is: only a 401 is retried', async () => {
    const auth = newClient({ allowedOrigins: [server.origin] });
    await auth.getToken();
    server.apiHandler = (_request, response) => {
      response.writeHead(403);
      response.end('forbidden');
    };
    const response = await auth.fetch(server.origin + '/points', { method: 'PUT', body: 'x' });
    expect(response.status).toBe(403);
    expect(await response.text()).toBe('forbidden');
    expect(server.apiRequests).toHaveLength(1);
    expect(server.tokenRequests).toHaveLength(1);
  });

  it('retries concurrent 401s with one fresh token request between them', async () => {
    const answers: ((status: number) => void)[] = [];
    const sent: Request[] = [];
    const auth = newClient({
      allowedOrigins: ['https://api.example.com'],
      fetch: (input, init) => {
        if (!(input instanceof Request)) return fetch(input, init);
        sent.push(input);
        if (sent.length > 3) return Promise.resolve(new Response('ok'));
        return new Promise((resolve) => {
          answers.push((status) => resolve(new Response(null, { status })));
        });
      },
    });
    await auth.getToken();
    const calls = [1, 2, 3].map(() => auth.fetch('https://api.example.com/points'));
    await vi.waitFor(() => expect(answers).toHaveLength(3));
    // All three 401s land at once: each retry asks for a fresh token before any arrives.
    for (const answer of answers) answer(401);
    const responses = await Promise.all(calls);
    expect(responses.map((response) => response.status)).toEqual([200, 200, 200]);
    expect(server.tokenRequests).toHaveLength(2);
    expect(sent.map((request) => request.headers.get('authorization'))).toEqual([
      ...Array<string>(3).fill('Bearer ' + server.issued[0]),
      ...Array<string>(3).fill('Bearer ' + server.issued[1]),
    ]);
  });

  /** A client whose API answers the first attempt 401 with `firstBody`, and a retry `ok`. */
  function answeredOnRetry(firstBody: UnderlyingDefaultSource) {
    const attempts = { count: 0 };
    const auth = newClient({
      allowedOrigins: ['https://api.example.com'],
      fetch: async (input, init) => {
        if (!(input instanceof Request)) return fetch(input, init);
        if (++attempts.count > 1) return new Response('ok');
        return new Response(new ReadableStream(firstBody), { status: 401 });
      },
    });
    return { auth, attempts };
  }

  it('releases the first 401 body, unread, when the retry answers instead', async () => {
    let cancelled = 0;
    const { auth, attempts } = answeredOnRetry({
      cancel() {
        cancelled++;
      },
    });
    const response = await auth.fetch('https://api.example.com/points');
    expect(await response.text()).toBe('ok');
    expect(attempts.count).toBe(2);
    expect(cancelled).toBe(1);
  });

  it('releases the first 401 body, unread, when the retry fails instead (a sign-out meanwhile)', async () => {
    let cancelled = 0;
    const auth = newClient({
      allowedOrigins: ['https://api.example.com'],
      fetch: async (input, init) => {
        if (!(input instanceof Request)) return fetch(input, init);
        // The shopper signs out before the retry asks for a fresh token: it gets a 404.
        server.customerId = null;
        const body = new ReadableStream({
          cancel() {
            cancelled++;
          },
        });
        return new Response(body, { status: 401 });
      },
    });
    const error = await auth.fetch('https://api.example.com/points').catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'NOT_SIGNED_IN' });
    expect(server.tokenRequests).toHaveLength(2);
    expect(cancelled).toBe(1);
  });

  it('releases a first 401 body that already failed (a connection reset) without an unhandled rejection', async () => {
    const unhandled: unknown[] = [];
    const recordUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', recordUnhandled);
    try {
      const { auth, attempts } = answeredOnRetry({
        start(controller) {
          controller.error(new TypeError('network error'));
        },
      });
      const response = await auth.fetch('https://api.example.com/points');
      expect(await response.text()).toBe('ok');
      // Node reports a rejection nobody handled once the task that made it ends.
      await new Promise((resolve) => setTimeout(resolve));
      expect(attempts.count).toBe(2);
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', recordUnhandled);
    }
  });

  it('never retries twice: a second 401 rejects with UnauthorizedError carrying the response', async () => {
    server.apiHandler = always401;
    const auth = newClient({ allowedOrigins: [server.origin] });
    const error = await auth.fetch(server.origin + '/points').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnauthorizedError);
    expect(error).toMatchObject({ code: 'UNAUTHORIZED', name: 'UnauthorizedError' });
    expect((error as UnauthorizedError).response.status).toBe(401);
    expect(await (error as UnauthorizedError).response.json()).toEqual({ error: 'unauthorized' });
    expect(server.apiRequests).toHaveLength(2);
  });

  it.each([
    ['a string', () => 'points=5'],
    ['URLSearchParams', () => new URLSearchParams({ points: '5' })],
    ['a Blob', () => new Blob(['points=5'])],
    ['an ArrayBuffer', () => new TextEncoder().encode('points=5').buffer],
  ])('replays %s body on the retry', async (_name, body) => {
    const auth = newClient({ allowedOrigins: [server.origin] });
    server.apiHandler = unauthorizedOnce();
    await auth.fetch(server.origin + '/redeem', { method: 'POST', body: body() });
    expect(server.apiRequests.map((r) => r.body)).toEqual(['points=5', 'points=5']);
  });

  it('replays a FormData body on the retry', async () => {
    const auth = newClient({ allowedOrigins: [server.origin] });
    server.apiHandler = unauthorizedOnce();
    const form = new FormData();
    form.set('points', '5');
    await auth.fetch(server.origin + '/redeem', { method: 'POST', body: form });
    expect(server.apiRequests).toHaveLength(2);
    expect(server.apiRequests[1]?.body).toContain('points');
  });

  it('sends a Request that has a body once: its body is a stream, so a 401 is not retried', async () => {
    const auth = newClient({ allowedOrigins: [server.origin] });
    server.apiHandler = always401;
    const request = new Request(server.origin + '/redeem', {
      method: 'POST',
      body: '{"points":5}',
      headers: { 'content-type': 'application/json' },
    });
    const error = await auth.fetch(request).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(UnauthorizedError);
    expect(error).toMatchObject({ code: 'UNAUTHORIZED', response: { status: 401 } });
    expect(server.tokenRequests).toHaveLength(1);
    expect(server.apiRequests.map((r) => [r.method, r.body, r.authorization])).toEqual([
      ['POST', '{"points":5}', 'Bearer ' + server.issued[0]],
    ]);
  });

  it('retries a bodiless Request after a 401', async () => {
    const auth = newClient({ allowedOrigins: [server.origin] });
    server.apiHandler = unauthorizedOnce();
    const response = await auth.fetch(new Request(server.origin + '/points'));
    expect(await response.text()).toBe('ok');
    expect(server.apiRequests.map((r) => r.authorization)).toEqual([
      'Bearer ' + server.issued[0],
      'Bearer ' + server.issued[1],
    ]);
  });

  /** A POST answered 401, then 204: the API must receive the body twice. */
  async function expectRetryCarriesBody() {
    const bodies: string[] = [];
    const auth = newClient({
      allowedOrigins: ['https://api.example.com'],
      fetch: async (input, init) => {
        if (!(input instanceof Request)) return fetch(input, init);
        // Like a real fetch, reading the body uses it up.
        bodies.push(await input.text());
        return new Response(null, { status: bodies.length == 1 ? 401 : 204 });
      },
    });
    const response = await auth.fetch('https://api.example.com/redeem', {
      method: 'POST',
      body: 'points=5',
    });
    expect(response.status).toBe(204);
    expect(bodies).toEqual(['points=5', 'points=5']);
  }

  it('the retry carries the body although the first attempt read it', async () => {
    await expectRetryCarriesBody();
  });

  it('the retry carries the body where wrapping a Request moves its body, as in browsers', async () => {
    // happy-dom copies the body of a Request made from another; browsers move it, after which the
    // original cannot be wrapped again.
    class MovingRequest extends Request {
      moved = false;
      constructor(input: RequestInfo | URL, init?: RequestInit) {
        if (input instanceof MovingRequest && input.moved) throw new TypeError('body used');
        super(input, init);
        if (input instanceof MovingRequest && input.body && !init?.body) input.moved = true;
      }
    }
    vi.stubGlobal('Request', MovingRequest);
    try {
      await expectRetryCarriesBody();
    } finally {
      vi.unstubAllGlobals();
    }
  });

  it('does not retry a ReadableStream body: the 401 rejects at once', async () => {
    const sent: RequestInit[] = [];
    const auth = newClient({
      allowedOrigins: ['https://api.example.com'],
      fetch: async (input, init) => {
        if (String(input).includes('/customer/current.jwt')) return fetch(input, init);
        sent.push(init ?? {});
        return new Response('no', { status: 401 });
      },
    });
    const body = new ReadableStream({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('x'));
        controller.close();
      },
    });
    const error = await auth
      .fetch('https://api.example.com/upload', {
        method: 'POST',
        body,
        duplex: 'half',
      } as RequestInit)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnauthorizedError);
    expect(sent).toHaveLength(1);
  });

  it('does not retry a Request whose body is a ReadableStream', async () => {
    server.apiHandler = always401;
    const auth = newClient({ allowedOrigins: [server.origin] });
    const body = new ReadableStream({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('chunk'));
        controller.close();
      },
    });
    const request = new Request(server.origin + '/upload', {
      method: 'POST',
      body,
      duplex: 'half',
    } as RequestInit);
    await expect(auth.fetch(request)).rejects.toBeInstanceOf(UnauthorizedError);
    expect(server.apiRequests).toHaveLength(1);
  });

  it('never replays a request as another shopper: a 401 after a switch rejects, sent once', async () => {
    const changes: unknown[] = [];
    const auth = newClient({ allowedOrigins: [server.origin], maxTokenAgeMs: 0 });
    auth.on('customerchange', (detail) => changes.push(detail));
    server.apiHandler = (request, response) => {
      // The shopper changes between the first attempt and the retry's token.
      server.customerId = 2;
      always401(request, response);
    };
    const error = await auth
      .fetch(server.origin + '/points/redeem', { method: 'POST', body: '{"points":5}' })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(UnauthorizedError);
    expect(error).toMatchObject({ code: 'UNAUTHORIZED', response: { status: 401 } });
    // Not retried, so its body is the caller's to read: nothing released it.
    expect(await (error as UnauthorizedError).response.json()).toEqual({ error: 'unauthorized' });
    expect(server.apiRequests.map((r) => r.authorization)).toEqual(['Bearer ' + server.issued[0]]);
    expect(server.tokenRequests).toHaveLength(2);
    expect(changes).toHaveLength(1);
  });

  it('never replays a request as the same customer ID of another store (a switch): sent once', async () => {
    const changes: unknown[] = [];
    const auth = newClient({ allowedOrigins: [server.origin], maxTokenAgeMs: 0 });
    auth.on('customerchange', (detail) => changes.push(detail));
    server.apiHandler = (request, response) => {
      // The retry's token names customer 1 of another store: another shopper.
      server.tokenHandler = (_request, tokenResponse) => {
        tokenResponse.end(makeJwt(1, { store_hash: 'def456', sub: 'def456' }));
      };
      always401(request, response);
    };
    const error = await auth
      .fetch(server.origin + '/points/redeem', { method: 'POST', body: '{"points":5}' })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(UnauthorizedError);
    expect(server.apiRequests.map((r) => r.authorization)).toEqual(['Bearer ' + server.issued[0]]);
    expect(server.tokenRequests).toHaveLength(2);
    expect(changes).toHaveLength(1);
  });

  it('does not carry the token along a redirect to another origin', async () => {
    const evil = await startServer();
    try {
      server.apiHandler = (_request, response) => {
        response.writeHead(302, { location: evil.origin + '/collect' });
        response.end();
      };
      const auth = newClient({ allowedOrigins: [server.origin] });
      const response = await auth.fetch(server.origin + '/points');
      expect(response.status).toBe(302);
      expect(evil.apiRequests).toHaveLength(0);
    } finally {
      await evil.close();
    }
  });

  it('passes redirect: "error" through', async () => {
    const fetchSpy = vi.fn(fetch);
    const auth = newClient({ allowedOrigins: [server.origin], fetch: fetchSpy });
    await auth.fetch(server.origin + '/a', { redirect: 'error' });
    await auth.fetch(server.origin + '/a', { redirect: 'follow' });
    await auth.fetch(server.origin + '/a');
    const redirects = apiCalls(fetchSpy).map((request) => request.redirect);
    expect(redirects).toEqual(['error', 'manual', 'manual']);
  });

  it('tells fetch itself about keepalive, in its init: Firefox honours it only there', async () => {
    // happy-dom has no `keepalive`. Firefox keeps it only from an init: a Request made from a
    // keepalive Request has none, and `fetch` ignores the flag on the Request it is given.
    class FirefoxRequest extends Request {
      override readonly keepalive: boolean;
      constructor(input: RequestInfo | URL, init?: RequestInit) {
        super(input, init);
        this.keepalive = init?.keepalive ?? false;
      }
    }
    vi.stubGlobal('Request', FirefoxRequest);
    try {
      const fetchSpy = vi.fn(fetch);
      const auth = newClient({ allowedOrigins: [server.origin], fetch: fetchSpy });
      await auth.fetch(server.origin + '/a', {
        keepalive: true,
        referrer: server.origin + '/cart.php',
        referrerPolicy: 'no-referrer',
      });
      await auth.fetch(server.origin + '/b');
      const calls = fetchSpy.mock.calls.filter(([input]) => input instanceof Request);
      expect(calls.map(([request]) => (request as Request).keepalive)).toEqual([true, false]);
      expect(calls.map(([, init]) => init?.keepalive)).toEqual([true, false]);
      // An init resets the referrer and its policy unless it names them: it carries the caller's.
      expect(calls[0]?.[1]).toMatchObject({
        redirect: 'manual',
        referrer: server.origin + '/cart.php',
        referrerPolicy: 'no-referrer',
      });
      expect(server.apiRequests.map(({ path }) => path)).toEqual(['/a', '/b']);
    } finally {
      vi.unstubAllGlobals();
    }
  });

  type AbortableCall = (url: string, signal: AbortSignal) => Parameters<typeof fetch>;
  it.each<[string, AbortableCall]>([
    ['init.signal', (url, signal) => [url, { signal }]],
    ['a Request’s own signal', (url, signal) => [new Request(url, { signal })]],
  ])(
    'rejects with the signal’s reason when %s aborts while the token is awaited',
    async (_, call) => {
      const auth = newClient({ allowedOrigins: [server.origin] });
      const release = server.holdTokens();
      const controller = new AbortController();
      const reason = new DOMException('stop', 'AbortError');
      const pending = auth.fetch(...call(server.origin + '/points', controller.signal));
      await until(() => server.tokenRequests.length == 1);
      controller.abort(reason);
      // While the token is still held: the call does not wait for it.
      await expect(pending).rejects.toBe(reason);
      release();
      // The shared token request still completes for later callers; nothing reached the API.
      await auth.getToken();
      expect(server.apiRequests).toHaveLength(0);
    },
  );

  it('rejects after destroy() with DESTROYED', async () => {
    const auth = newClient({ allowedOrigins: [server.origin] });
    auth.destroy();
    auth.destroy();
    await expect(auth.fetch(server.origin + '/points')).rejects.toMatchObject({
      name: 'CustomerAuthError',
      code: 'DESTROYED',
    });
  });
});
