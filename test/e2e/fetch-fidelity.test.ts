import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeInChromium } from './support/chromium.js';
import { CLIENT_ID, SHOPPER_1, bearerCustomerId } from './support/demo-servers.js';
import { startRecordingServer, type RecordingServer } from './support/recording-server.js';
import { useStoreInChromium } from './support/store-fixture.js';
import { signedInPage, type StoreWindow } from './support/store-page.js';

/** A call's arguments, built in the page for a base URL (Requests, streams and signals stay there). */
type Shape = (base: string) => [RequestInfo | URL, RequestInit?];

/**
 * Defines `window.__shapes`: every call shape, named `group: what`. Runs in the page, so it is
 * self-contained. A shape whose name ends in `twice` is called twice in a row.
 */
function installShapes(): void {
  const bytes = new Uint8Array([0, 1, 2, 250, 251, 255]);
  const post = (body: BodyInit, init?: RequestInit): RequestInit => ({
    method: 'POST',
    body,
    ...init,
  });
  const form = () => {
    const data = new FormData();
    data.append('a', '1');
    data.append('file', new Blob(['xyz'], { type: 'text/plain' }), 'f.txt');
    return data;
  };
  const stream = () => new Blob(['streamed']).stream();
  const aborted = (reason?: unknown) => AbortSignal.abort(reason);
  /** Aborted once the API has the call, whose answer it holds back: never before it is sent. */
  const abortOnArrival = (base: string, reason: string) => {
    const controller = new AbortController();
    void fetch(new URL('/arrival', base)).then(() => controller.abort(reason));
    return controller.signal;
  };
  /** Aborted as soon as the call resolves, with the body still streaming (later calls: no-op). */
  const abortOnHeaders = (reason: string) => {
    const controller = new AbortController();
    Object.assign(window, { __onHeaders: () => controller.abort(reason) });
    return controller.signal;
  };
  const usedRequest = (base: string) => {
    const request = new Request(base + '/echo', post('x'));
    void request.text();
    return request;
  };
  const shapes: Record<string, Shape> = {
    'input: string': (b) => [b + '/echo?q=1'],
    'input: URL object': (b) => [new URL(b + '/echo?q=2')],
    'input: object with toString': (b) => [{ toString: () => b + '/echo' } as unknown as string],
    'input: URL with a fragment': (b) => [b + '/echo#frag'],
    'input: URL with credentials': (b) => [b.replace('//', '//u:p@') + '/echo'],
    'input: init of the wrong type': (b) => [b + '/echo', 5 as unknown as RequestInit],
    'body: string': (b) => [b + '/echo', post('hello é')],
    'body: typed Blob': (b) => [b + '/echo', post(new Blob(['blob'], { type: 'x/thing' }))],
    'body: ArrayBuffer': (b) => [b + '/echo', post(bytes.buffer.slice(0))],
    'body: Uint8Array view': (b) => [b + '/echo', post(bytes.subarray(2, 5))],
    'body: DataView': (b) => [b + '/echo', post(new DataView(bytes.buffer, 1, 3))],
    'body: URLSearchParams': (b) => [b + '/echo', post(new URLSearchParams({ a: '1', b: 'é' }))],
    'body: FormData': (b) => [b + '/echo', post(form())],
    'body: stream, duplex half': (b) => [b + '/echo', post(stream(), { duplex: 'half' } as object)],
    'body: stream without duplex': (b) => [b + '/echo', post(stream())],
    'body: on a GET': (b) => [b + '/echo', { body: 'x' }],
    'body: keepalive': (b) => [b + '/echo', post('ka', { keepalive: true })],
    'body: keepalive over 64 KiB': (b) => [
      b + '/echo',
      post('k'.repeat(70_000), { keepalive: true }),
    ],
    'method: HEAD': (b) => [b + '/echo', { method: 'HEAD' }],
    'method: OPTIONS': (b) => [b + '/echo', { method: 'OPTIONS' }],
    'method: DELETE': (b) => [b + '/echo', { method: 'DELETE' }],
    'method: post, lower case': (b) => [b + '/echo', post('x', { method: 'post' })],
    'method: patch, lower case (kept as is)': (b) => [b + '/echo', post('x', { method: 'patch' })],
    'method: custom': (b) => [b + '/echo', { method: 'PURGE' }],
    'method: forbidden': (b) => [b + '/echo', { method: 'CONNECT' }],
    'headers: record': (b) => [b + '/echo', { headers: { 'Content-Type': 'x/y', 'X-A': '1' } }],
    'headers: pairs, one name twice': (b) => [
      b + '/echo',
      {
        headers: [
          ['X-A', '1'],
          ['x-a', '2'],
        ],
      },
    ],
    'headers: Headers': (b) => [b + '/echo', { headers: new Headers({ 'X-B': 'b' }) }],
    'headers: forbidden name': (b) => [b + '/echo', { headers: { Cookie: 'x=1', 'X-C': 'c' } }],
    'request: GET': (b) => [new Request(b + '/echo', { headers: { 'X-R': 'r' } })],
    'request: POST with a body': (b) => [new Request(b + '/echo', post('own'))],
    'request: + init method, headers, body': (b) => [
      new Request(b + '/echo', post('old', { headers: { 'X-R': 'r' } })),
      { method: 'PUT', headers: { 'X-I': 'i' }, body: 'new' },
    ],
    'request: + init body null': (b) => [new Request(b + '/echo', post('kept')), { body: null }],
    'request: + init method GET': (b) => [new Request(b + '/echo', post('x')), { method: 'GET' }],
    'request: body already used': (b) => [usedRequest(b)],
    'request: body already used + init body': (b) => [usedRequest(b), { body: 'fresh' }],
    'request: GET after text()': (b) => {
      const request = new Request(b + '/echo');
      void request.text();
      return [request];
    },
    'request: referrer and policy': (b) => [
      new Request(b + '/echo', { referrer: '/r', referrerPolicy: 'unsafe-url' }),
    ],
    'request: referrer + a non-empty init (resets it)': (b) => [
      new Request(b + '/echo', { referrer: '/r', referrerPolicy: 'unsafe-url' }),
      { headers: { 'X-I': 'i' } },
    ],
    'request: credentials include': (b) => [new Request(b + '/echo', { credentials: 'include' })],
    'request: aborted signal + init signal null': (b) => [
      new Request(b + '/echo', { signal: aborted() }),
      { signal: null },
    ],
    'options: credentials omit': (b) => [b + '/echo', { credentials: 'omit' }],
    'options: credentials same-origin': (b) => [b + '/echo', { credentials: 'same-origin' }],
    'options: credentials include': (b) => [b + '/echo', { credentials: 'include' }],
    'options: referrer empty': (b) => [b + '/echo', { referrer: '' }],
    'options: referrer, same-origin path': (b) => [b + '/echo', { referrer: '/page?x' }],
    'options: referrer, other origin': (b) => [b + '/echo', { referrer: 'https://example.com/' }],
    'options: referrerPolicy unsafe-url': (b) => [b + '/echo', { referrerPolicy: 'unsafe-url' }],
    'options: referrerPolicy no-referrer': (b) => [b + '/echo', { referrerPolicy: 'no-referrer' }],
    'options: mode cors': (b) => [b + '/echo', { mode: 'cors' }],
    'options: mode same-origin': (b) => [b + '/echo', { mode: 'same-origin' }],
    'options: mode navigate': (b) => [b + '/echo', { mode: 'navigate' }],
    'options: cache default, twice': (b) => [b + '/cache?default'],
    'options: cache force-cache, twice': (b) => [b + '/cache?force', { cache: 'force-cache' }],
    'options: cache no-store, twice': (b) => [b + '/cache?no-store', { cache: 'no-store' }],
    'options: cache no-cache': (b) => [b + '/cache', { cache: 'no-cache' }],
    'options: cache reload': (b) => [b + '/cache', { cache: 'reload' }],
    'options: cache only-if-cached': (b) => [b + '/cache', { cache: 'only-if-cached' }],
    'options: integrity that matches': (b) => [
      b + '/echo',
      // sha256 of the answer, `{}`.
      { integrity: 'sha256-RBNvo1WzZ4oRRq0W9+hknpT7T8If536DEMBg9hyq/4o=' },
    ],
    'options: integrity that does not': (b) => [b + '/echo', { integrity: 'sha256-AAAA' }],
    'options: keepalive': (b) => [b + '/echo', { keepalive: true }],
    'options: priority high': (b) => [b + '/echo', { priority: 'high' }],
    'options: priority low': (b) => [b + '/echo', { priority: 'low' }],
    'options: window null': (b) => [b + '/echo', { window: null }],
    'outcome: redirect manual': (b) => [b + '/redirect', { redirect: 'manual' }],
    'outcome: redirect error': (b) => [b + '/redirect', { redirect: 'error' }],
    'outcome: redirect not a RequestRedirect': (b) => [b + '/echo', { redirect: 'x' } as object],
    'outcome: 204': (b) => [b + '/status/204'],
    'outcome: 403': (b) => [b + '/status/403'],
    'outcome: 500': (b) => [b + '/status/500'],
    'outcome: signal aborted': (b) => [b + '/echo', { signal: aborted() }],
    'outcome: signal aborted with a reason': (b) => [b + '/echo', { signal: aborted('why') }],
    // On a clock: the token and the preflight come first, so this one allows for a slow machine.
    'outcome: signal timeout in flight': (b) => [
      b + '/slow',
      { signal: AbortSignal.timeout(3000) },
    ],
    'outcome: abort in flight with a reason': (b) => [
      b + '/slow',
      { signal: abortOnArrival(b, 'late') },
    ],
    'outcome: abort while the body streams': (b) => [
      b + '/slowbody',
      { signal: abortOnHeaders('mid') },
    ],
    // The differences: called by the tests below, not compared as they are.
    'differs: own Authorization': (b) => [
      b + '/echo',
      { headers: { Authorization: 'Basic dTpw' } },
    ],
    'differs: mode no-cors': (b) => [b + '/echo', { mode: 'no-cors' }],
    'differs: mode no-cors, redirect manual': (b) => [
      b + '/echo',
      { mode: 'no-cors', redirect: 'manual' },
    ],
    'differs: targetAddressSpace': (b) => [b + '/echo', { targetAddressSpace: 'public' } as object],
    'differs: a Request built with targetAddressSpace': (b) => [
      new Request(b + '/echo', { targetAddressSpace: 'public' } as object),
    ],
  };
  Object.assign(window, { __shapes: shapes });
}

/** A call as the page saw it (error messages left out: they name `Request` instead of `fetch`). */
type PageOutcome =
  | {
      status: number;
      statusText: string;
      type: string;
      url: string;
      redirected: boolean;
      headers: [string, string][];
      body: string;
      inputBodyUsed: boolean | undefined;
    }
  | { error: string };

/**
 * The loopback API: records each request with its body; CORS for any page, credentials too.
 * `GET /arrival` answers once the next `/slow` call arrives; `expectArrival()` starts waiting for
 * the next one.
 */
async function startMirror(): Promise<
  RecordingServer & { bodies: Map<number, string>; expectArrival(): void }
> {
  const bodies = new Map<number, string>();
  // Outlasts every abort: the slow answers must never come first.
  const pause = () => new Promise((resolve) => setTimeout(resolve, 10_000));
  let arrive = () => {};
  let arrival = Promise.resolve();
  const expectArrival = () => {
    arrival = new Promise((resolve) => (arrive = resolve));
  };
  const server = await startRecordingServer(async (req, res, entry) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    bodies.set(entry.seq, Buffer.concat(chunks).toString('latin1'));
    const { origin, 'access-control-request-headers': headers } = req.headers;
    const preflight = req.headers['access-control-request-method'];
    res.setHeader('Access-Control-Allow-Origin', origin ?? '*');
    res.setHeader('Access-Control-Allow-Credentials', 'true');
    if (headers) res.setHeader('Access-Control-Allow-Headers', headers);
    if (preflight) return void res.setHeader('Access-Control-Allow-Methods', preflight).end();
    if (entry.path == '/arrival') return void (await arrival, res.end());
    const path = entry.path.replace(/^\/\w+/, '');
    const status = /^\/status\/(\d+)$/.exec(path)?.[1];
    if (status) return void res.writeHead(+status, 'Custom').end(status == '204' ? '' : 'st');
    if (path == '/redirect') return void res.writeHead(302, { Location: 'echo?r' }).end();
    if (path == '/slow') await (arrive(), pause());
    if (path == '/cache') res.setHeader('Cache-Control', 'max-age=600');
    res.writeHead(200, 'Fine', { 'Content-Type': 'text/plain' }).write('{');
    if (path == '/slowbody') await pause();
    res.end('}');
  });
  return Object.assign(server, { bodies, expectArrival });
}

describeInChromium('fetch fidelity: bcAuthFetch sends and returns what fetch does', () => {
  let mirror: Awaited<ReturnType<typeof startMirror>>;
  beforeAll(async () => {
    mirror = await startMirror();
  });
  afterAll(() => mirror?.close());
  // Named `localhost`, as the storefront is: same site, so cookies go where `credentials` allow.
  const api = () => mirror.origin.replace('127.0.0.1', 'localhost');
  const store = useStoreInChromium({ demo: () => ({ extraConnectOrigins: [api()] }) });

  /** A signed-in page whose default client allows only the mirror, with the shapes defined. */
  async function mirrorPage(): Promise<Page> {
    const { page } = await signedInPage(store, {
      prepare: (page) => page.addInitScript(installShapes),
    });
    await page.evaluate(
      ([appClientId, api]) => {
        const { BcCustomerAuth } = window as unknown as StoreWindow;
        BcCustomerAuth.configure({ appClientId, allowedOrigins: [api] });
      },
      [CLIENT_ID, api()] as const,
    );
    return page;
  }

  /**
   * Calls shape `name` through `fetch` or `bcAuthFetch`, under a path prefix of its own (so neither
   * shares the other's HTTP cache entries); returns what the page and the server saw, with the
   * prefix, multipart boundaries, preflights and the SDK's token taken out.
   */
  async function call(page: Page, name: string, via: 'fetch' | 'auth') {
    mirror.requests.length = 0;
    mirror.expectArrival();
    const cdp = await page.context().newCDPSession(page);
    const priorities: string[] = [];
    cdp.on('Network.requestWillBeSent', ({ request }) => {
      if (request.url.includes(`/${via}/`) && request.method != 'OPTIONS')
        priorities.push(request.initialPriority);
    });
    await cdp.send('Network.enable');
    const outcomes = await page.evaluate(
      async ([name, via, base]) => {
        const win = window as unknown as StoreWindow & {
          __shapes: Record<string, Shape>;
          __onHeaders?: (() => void) | undefined;
        };
        const once = async (): Promise<PageOutcome> => {
          const [input, init] = win.__shapes[name]!(base);
          try {
            const response = await (via == 'fetch' ? fetch : win.bcAuthFetch)(input, init);
            win.__onHeaders?.();
            const { status, statusText, type, url, redirected } = response;
            const headers = [...response.headers].filter(([header]) => header != 'date');
            const body = await response.text();
            const inputBodyUsed = input instanceof Request ? input.bodyUsed : undefined;
            return { status, statusText, type, url, redirected, headers, body, inputBodyUsed };
          } catch (error) {
            return { error: error instanceof Error ? error.name : `thrown: ${String(error)}` };
          }
        };
        return name.endsWith('twice') ? [await once(), await once()] : [await once()];
      },
      [name, via, `${api()}/${via}`] as const,
    );
    await cdp.detach();
    const tokens: (number | undefined)[] = [];
    const received = mirror.requests
      .filter(
        ({ path, headers }) => path != '/arrival' && !headers['access-control-request-method'],
      )
      .map(({ seq, method, url, headers: { authorization, ...headers } }) => {
        if (via == 'auth') tokens.push(bearerCustomerId(authorization));
        else if (authorization) Object.assign(headers, { authorization });
        return { method, url, headers, body: mirror.bodies.get(seq) };
      });
    const seen = JSON.stringify({ outcomes, received, priorities })
      .replaceAll(`/${via}/`, '/')
      .replace(/(boundary)[-\w]+/gi, '$1');
    return { seen: JSON.parse(seen) as unknown, tokens };
  }

  it.each(['input', 'body', 'method', 'headers', 'request', 'options', 'outcome'])(
    '%s: the same on the wire and in the page, but for the token',
    async (group) => {
      const page = await mirrorPage();
      const names = await page.evaluate(() =>
        Object.keys((window as unknown as { __shapes: object }).__shapes),
      );
      for (const name of names.filter((name) => name.startsWith(`${group}: `))) {
        const native = await call(page, name, 'fetch');
        const auth = await call(page, name, 'auth');
        expect.soft(auth.seen, name).toEqual(native.seen);
        // Every request that reached the API carried the shopper's token.
        expect.soft(auth.tokens, name).toEqual(auth.tokens.map(() => SHOPPER_1.id));
      }
    },
  );

  it("a caller's own Authorization header is replaced by the token; the token in another header leaves it", async () => {
    const page = await mirrorPage();
    const native = await call(page, 'differs: own Authorization', 'fetch');
    expect(native.seen).toMatchObject({ received: [{ headers: { authorization: 'Basic dTpw' } }] });
    expect((await call(page, 'differs: own Authorization', 'auth')).tokens).toEqual([SHOPPER_1.id]);

    await page.evaluate(
      ([appClientId, api]) => {
        const { BcCustomerAuth } = window as unknown as StoreWindow;
        const options = { authHeaderName: 'X-Customer-Token', authScheme: '' };
        BcCustomerAuth.configure({ appClientId, allowedOrigins: [api], ...options });
      },
      [CLIENT_ID, api()] as const,
    );
    await call(page, 'differs: own Authorization', 'auth');
    expect(mirror.requests.at(-1)?.headers).toMatchObject({
      authorization: 'Basic dTpw',
      'x-customer-token': expect.stringMatching(/^[\w-]+\.[\w-]+\.[\w-]+$/) as unknown,
    });
  });

  it("mode: 'no-cors' rejects with a TypeError and sends nothing, as fetch does with redirect: 'manual'", async () => {
    const page = await mirrorPage();
    // fetch sends it (without any token: browsers drop such headers from no-cors requests).
    expect((await call(page, 'differs: mode no-cors', 'fetch')).seen).toMatchObject({
      outcomes: [{ type: 'opaque', status: 0 }],
      received: [{ method: 'GET' }],
    });
    const refused = { outcomes: [{ error: 'TypeError' }], received: [] };
    expect((await call(page, 'differs: mode no-cors', 'auth')).seen).toMatchObject(refused);
    const manual = await call(page, 'differs: mode no-cors, redirect manual', 'fetch');
    expect(manual.seen).toMatchObject(refused);
  });

  it("Chromium's targetAddressSpace, which a Request does not keep, is not applied", async () => {
    const page = await mirrorPage();
    // The API is on loopback, not public: fetch refuses to send the call…
    expect((await call(page, 'differs: targetAddressSpace', 'fetch')).seen).toMatchObject({
      outcomes: [{ error: 'TypeError' }],
      received: [],
    });
    // …but not once it is a Request, which is all the SDK sends.
    const sent = { outcomes: [{ status: 200 }], received: [{ method: 'GET' }] };
    const built = await call(page, 'differs: a Request built with targetAddressSpace', 'fetch');
    expect(built.seen).toMatchObject(sent);
    expect((await call(page, 'differs: targetAddressSpace', 'auth')).seen).toMatchObject(sent);
  });

  it('keepalive: a call made at pagehide with the token cached still reaches the API, with it', async () => {
    const page = await mirrorPage();
    await page.evaluate(async (url) => {
      const { BcCustomerAuth, bcAuthFetch } = window as unknown as StoreWindow;
      await BcCustomerAuth.getDefaultClient().getToken();
      addEventListener('pagehide', () => {
        const init = { keepalive: true, method: 'POST', body: 'bye' };
        bcAuthFetch(url, init).catch(() => undefined);
      });
    }, `${api()}/auth/echo`);
    mirror.requests.length = 0;
    await page.goto('about:blank');
    // The server records a request when its headers arrive and its body once read in full.
    const posts = () =>
      mirror.requests
        .filter(({ method }) => method == 'POST')
        .map(({ url, seq, authorization }) => ({
          url,
          customerId: bearerCustomerId(authorization),
          body: mirror.bodies.get(seq),
        }));
    await expect
      .poll(posts)
      .toEqual([{ url: '/auth/echo', customerId: SHOPPER_1.id, body: 'bye' }]);
  });
});
