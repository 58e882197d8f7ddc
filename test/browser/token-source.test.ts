import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  InvalidTokenError,
  NotSignedInError,
  TokenRequestError,
  isCustomerAuthError,
} from '../../src/browser/index.js';
import { parseToken } from '../../src/browser/token-source.js';
import { newClient, setPageUrl } from './helpers/page.js';
import { startServer, type TestServer } from './helpers/storefront.js';
import { CLIENT_ID, makeJwt } from './helpers/tokens.js';
import { whilePolluted } from '../support/polluted-prototype.js';

let server: TestServer;

beforeEach(async () => {
  server = await startServer();
  setPageUrl(server.origin + '/account.php');
});
afterEach(() => server.close());

const answerWith =
  (status: number, body: string, type = 'text/plain') =>
  (_request: unknown, response: import('node:http').ServerResponse) => {
    response.writeHead(status, { 'content-type': type });
    response.end(body);
  };

describe('the token request', () => {
  it('asks the page origin for /customer/current.jwt with the client ID, cookies and Accept', async () => {
    document.cookie = 'SHOP_SESSION_TOKEN=session-1';
    const fetchSpy = vi.fn(fetch);
    const client = newClient({ allowedOrigins: [], fetch: fetchSpy });
    const token = await client.getToken();
    expect(token).toBe(server.issued[0]);
    expect(server.tokenRequests).toHaveLength(1);
    const [wire] = server.tokenRequests;
    // A new URL each time, which a service worker's Cache Storage cannot have answered before.
    expect(wire?.path).toMatch(
      new RegExp(`^/customer/current\\.jwt\\?app_client_id=${CLIENT_ID}&_=0\\.\\d+$`),
    );
    await client.getToken({ force: true });
    expect(server.tokenRequests[1]?.path).not.toBe(wire?.path);
    expect(wire?.cookie).toContain('SHOP_SESSION_TOKEN=session-1');
    expect(wire?.accept).toBe('application/json');
    const init = fetchSpy.mock.calls[0]?.[1];
    expect(init).toMatchObject({
      credentials: 'same-origin',
      cache: 'no-store',
      redirect: 'manual',
    });
  });

  it('asks a cross-origin storefrontUrl with credentials included', async () => {
    const fetchSpy = vi.fn(async () => new Response(makeJwt(1)));
    const client = newClient({
      allowedOrigins: [],
      storefrontUrl: 'https://store-abc123.mybigcommerce.com',
      fetch: fetchSpy,
    });
    await client.getToken();
    const [url, init] = fetchSpy.mock.calls[0] as unknown as [URL, RequestInit];
    expect(String(url)).toMatch(
      'https://store-abc123.mybigcommerce.com/customer/current.jwt?app_client_id=' +
        CLIENT_ID +
        '&_=',
    );
    expect(init.credentials).toBe('include');
  });

  it.each([
    ['JSON { token }', (jwt: string) => JSON.stringify({ token: jwt }), 'application/json'],
    ['plain text', (jwt: string) => jwt, 'text/plain'],
    ['plain text with a trailing newline', (jwt: string) => jwt + '\n', 'text/plain'],
    [
      'JSON with surrounding whitespace',
      (jwt: string) => ` {"token":" ${jwt} "}\r\n`,
      'application/json',
    ],
  ])('accepts %s', async (_name, format, type) => {
    const jwt = makeJwt(7);
    server.tokenHandler = answerWith(200, format(jwt), type);
    const client = newClient({ allowedOrigins: [] });
    await expect(client.getToken()).resolves.toBe(jwt);
    expect(client.getCustomer()).toEqual({
      id: 7,
      email: 'shopper7@example.com',
      groupId: '0',
      storeHash: 'abc123',
    });
  });

  it('treats 404 as not signed in', async () => {
    server.customerId = null;
    const client = newClient({ allowedOrigins: [] });
    const error = await client.getToken().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotSignedInError);
    expect(error).toMatchObject({ code: 'NOT_SIGNED_IN', name: 'NotSignedInError' });
    expect(client.getCustomer()).toBeNull();
  });

  it.each([500, 401, 403, 204])(
    'fails with TOKEN_REQUEST_FAILED and the status on %i',
    async (status) => {
      server.tokenHandler = answerWith(status, status == 204 ? '' : 'nope');
      const error = await newClient({ allowedOrigins: [] })
        .getToken()
        .catch((e: unknown) => e);
      if (status == 204) {
        // 204 is a 2xx with no body: not a JWT.
        expect(error).toBeInstanceOf(InvalidTokenError);
        return;
      }
      expect(error).toBeInstanceOf(TokenRequestError);
      expect(error).toMatchObject({ code: 'TOKEN_REQUEST_FAILED', status });
    },
  );

  it('never takes a redirect as a token, and does not follow it', async () => {
    server.tokenHandler = (request, response) => {
      if (request.url?.includes('followed')) return answerWith(200, makeJwt(2))(request, response);
      response.writeHead(302, { location: '/customer/current.jwt?followed=1' });
      response.end();
    };
    const error = await newClient({ allowedOrigins: [] })
      .getToken()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TokenRequestError);
    expect(error).toMatchObject({ code: 'TOKEN_REQUEST_FAILED', status: 302 });
    expect(server.tokenRequests.map((r) => r.path)).not.toContain(
      '/customer/current.jwt?followed=1',
    );
  });

  it('refuses a response that a redirect-following fetch produced', async () => {
    const followed = new Response(makeJwt(1));
    Object.defineProperty(followed, 'redirected', { value: true });
    const client = newClient({ allowedOrigins: [], fetch: async () => followed });
    await expect(client.getToken()).rejects.toMatchObject({ code: 'TOKEN_REQUEST_FAILED' });
  });

  it('takes a followed redirect that ends in 404 as a failed request, not as a sign-out', async () => {
    const answers = [new Response(makeJwt(1)), new Response('gone', { status: 404 })];
    Object.defineProperty(answers[1], 'redirected', { value: true });
    const client = newClient({
      allowedOrigins: [],
      maxTokenAgeMs: 0,
      fetch: async () => answers.shift() as Response,
    });
    const logouts: unknown[] = [];
    client.on('logout', (detail) => logouts.push(detail));
    await client.getToken();
    const error = await client.getToken().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TokenRequestError);
    expect(error).toMatchObject({ code: 'TOKEN_REQUEST_FAILED', status: 404 });
    expect(logouts).toEqual([]);
    expect(client.getCustomer()?.id).toBe(1);
  });

  it('reports a network failure as TOKEN_REQUEST_FAILED with status 0 and the cause', async () => {
    const cause = new TypeError('Failed to fetch');
    const client = newClient({
      allowedOrigins: [],
      fetch: () => Promise.reject(cause),
    });
    const error = await client.getToken().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TokenRequestError);
    expect(error).toMatchObject({ code: 'TOKEN_REQUEST_FAILED', status: 0, cause });
  });

  it.each([
    ['an HTML page', '<!doctype html><html><body>Sign in</body></html>', 'text/html'],
    ['JSON without a token', '{"errors":["nope"]}', 'application/json'],
    ['JSON with a non-string token', '{"token":42}', 'application/json'],
    ['two segments', 'abc.def', 'text/plain'],
    ['a JWT-shaped string that is not base64 JSON', 'abc.def.ghi', 'text/plain'],
    ['an empty body', '', 'text/plain'],
    ['a JWT with markup around it', `<p>${makeJwt(1)}</p>`, 'text/html'],
  ])('rejects %s with INVALID_TOKEN', async (_name, body, type) => {
    server.tokenHandler = answerWith(200, body, type);
    const error = await newClient({ allowedOrigins: [] })
      .getToken()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidTokenError);
    expect(isCustomerAuthError(error, 'INVALID_TOKEN')).toBe(true);
    // Names the problem, never quotes the body (which may hold a token).
    expect((error as Error).message).toBe('bc-customer-auth: invalid token: not a JWT');
  });

  it('takes a token of up to 4,096 characters, as the server half does; a longer one is INVALID_TOKEN', async () => {
    const sized = (padding: number) => makeJwt(7, { padding: 'x'.repeat(padding) });
    let padding = 0;
    while (sized(padding + 1).length <= 4096) padding++;
    const [longest, tooLong] = [sized(padding), sized(padding + 1)];
    const client = newClient({ allowedOrigins: [], maxTokenAgeMs: 0 });
    // Whitespace around it is not the token's.
    server.tokenHandler = answerWith(200, JSON.stringify({ token: longest }).padEnd(9000));
    await expect(client.getToken()).resolves.toBe(longest);
    server.tokenHandler = answerWith(200, tooLong, 'text/plain');
    const error = await client.getToken().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidTokenError);
    expect((error as Error).message).toBe('bc-customer-auth: invalid token: too long');
    expect(longest.length).toBeGreaterThan(4094);
    expect(tooLong.length).toBeGreaterThan(4096);
    expect(server.tokenRequests).toHaveLength(2);
  });
});

describe('parseToken', () => {
  it.each([
    ['aud', { aud: 'another-app' }],
    ['aud', { aud: undefined }],
    ['aud', { application_id: 'another-app' }],
    ['aud', { application_id: undefined }],
    ['aud', { application_id: null }],
    ['operation', { operation: 'something_else' }],
    ['customer', { customer: undefined }],
    ['customer', { customer: { id: '1', email: 'a@example.com', group_id: '0' } }],
  ])(
    'rejects a wrong %s claim with INVALID_TOKEN, without quoting the token',
    (problem, claims) => {
      const jwt = makeJwt(1, claims);
      let error: unknown;
      try {
        parseToken(jwt, CLIENT_ID);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(InvalidTokenError);
      expect(error).toMatchObject({ code: 'INVALID_TOKEN' });
      expect((error as Error).message).toBe('bc-customer-auth: invalid token: ' + problem);
      expect((error as Error).message).not.toContain(jwt.split('.')[1]);
    },
  );

  it('takes no token from a polluted Object.prototype when the JSON answer has none', async () => {
    const planted = makeJwt(666);
    await whilePolluted({ token: planted }, () => {
      for (const body of ['{"errors":["nope"]}', '{}', '1', 'true']) {
        expect(() => parseToken(body, CLIENT_ID)).toThrow(InvalidTokenError);
      }
    });
  });

  it('decodes the payload, not the header, under a polluted Object.prototype.header', async () => {
    const [, customer] = await whilePolluted({ header: true }, () =>
      parseToken(makeJwt(1), CLIENT_ID),
    );
    expect(customer.id).toBe(1);
  });

  it('takes no claim a token lacks from a polluted Object.prototype', async () => {
    const lacking = makeJwt(1, { store_hash: undefined, customer: { id: 1, group_id: '0' } });
    const noAudience = makeJwt(1, { aud: undefined });
    const pollution = { email: 'victim@example.com', store_hash: 'victimstore', aud: CLIENT_ID };
    const [customer, refused] = await whilePolluted(pollution, () => [
      parseToken(lacking, CLIENT_ID)[1],
      (() => {
        try {
          return parseToken(noAudience, CLIENT_ID);
        } catch (error) {
          return error;
        }
      })(),
    ]);
    expect(customer).toEqual({ id: 1, email: undefined, groupId: '0', storeHash: undefined });
    expect(refused).toBeInstanceOf(InvalidTokenError);
    expect(refused).toMatchObject({ message: 'bc-customer-auth: invalid token: aud' });
  });

  it('reads the lifetime from exp − iat', () => {
    const [, , lifetimeMs] = parseToken(makeJwt(1, { iat: 100, exp: 1000 }), CLIENT_ID);
    expect(lifetimeMs).toBe(900_000);
    const [, , shortMs] = parseToken(makeJwt(1, { iat: 100, exp: 160 }), CLIENT_ID);
    expect(shortMs).toBe(60_000);
  });
});

describe('the getToken option', () => {
  it('replaces the request and is used as is', async () => {
    const jwt = makeJwt(3);
    const getToken = vi.fn(async () => jwt + '\n');
    const client = newClient({ allowedOrigins: [], getToken });
    await expect(client.getToken()).resolves.toBe(jwt);
    expect(getToken).toHaveBeenCalledWith(expect.any(AbortSignal));
    expect(server.tokenRequests).toHaveLength(0);
  });

  it('returning null means not signed in', async () => {
    const client = newClient({ allowedOrigins: [], getToken: async () => null });
    await expect(client.getToken()).rejects.toBeInstanceOf(NotSignedInError);
  });

  it.each([
    ['returning null', () => Promise.resolve(null)],
    ['throwing NotSignedInError', () => Promise.reject(new NotSignedInError())],
  ])('%s after a shopper was known signs out', async (_how, signedOut) => {
    const answers = [() => Promise.resolve(makeJwt(1)), signedOut];
    const client = newClient({
      allowedOrigins: [],
      maxTokenAgeMs: 0,
      getToken: () => answers.shift()!(),
    });
    const logouts: unknown[] = [];
    client.on('logout', (detail) => logouts.push(detail));
    await client.getToken();
    await expect(client.getToken()).rejects.toBeInstanceOf(NotSignedInError);
    expect(logouts).toEqual([{ previous: expect.objectContaining({ id: 1 }) }]);
    expect(client.getCustomer()).toBeNull();
  });

  it.each([undefined, '', 0, false])(
    'resolving %o (a forgotten return) is INVALID_TOKEN, not a sign-out',
    async (answer) => {
      const answers: unknown[] = [makeJwt(1), answer];
      const client = newClient({
        allowedOrigins: [],
        maxTokenAgeMs: 0,
        getToken: async () => answers.shift() as string,
      });
      const logout = vi.fn();
      client.on('logout', logout);
      await client.getToken();
      const error = await client.getToken().catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(InvalidTokenError);
      expect(error).toMatchObject({ code: 'INVALID_TOKEN' });
      expect(logout).not.toHaveBeenCalled();
      expect(client.getCustomer()).toMatchObject({ id: 1 });
    },
  );

  it('throwing becomes TOKEN_REQUEST_FAILED with the cause; a CustomerAuthError passes through', async () => {
    const cause = new Error('backend down');
    const failing = newClient({ allowedOrigins: [], getToken: () => Promise.reject(cause) });
    await expect(failing.getToken()).rejects.toMatchObject({ code: 'TOKEN_REQUEST_FAILED', cause });
    const guest = newClient({
      allowedOrigins: [],
      getToken: () => Promise.reject(new NotSignedInError()),
    });
    await expect(guest.getToken()).rejects.toBeInstanceOf(NotSignedInError);
  });

  it('receives a signal that aborts when the client is destroyed', async () => {
    let seen: AbortSignal | undefined;
    const client = newClient({
      allowedOrigins: [],
      getToken: (signal) => {
        seen = signal;
        return new Promise<string>(() => undefined);
      },
    });
    const pending = client.getToken();
    client.destroy();
    await expect(pending).rejects.toMatchObject({ code: 'DESTROYED' });
    expect(seen?.aborted).toBe(true);
    // The provider can tell why: its own fetch rejects with this reason.
    expect(seen?.reason).toMatchObject({ code: 'DESTROYED' });
  });
});

describe('a token request that never answers', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('lets go of a request once it answers: its signal aborts neither at 30 s nor on destroy', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const signals: AbortSignal[] = [];
    const client = newClient({
      allowedOrigins: [],
      getToken: async (signal) => {
        signals.push(signal);
        return makeJwt(1);
      },
    });
    await client.getToken();
    // The 30 s timer went with the answer…
    expect(vi.getTimerCount()).toBe(0);
    await vi.advanceTimersByTimeAsync(30_000);
    expect(signals[0]?.aborted).toBe(false);
    // …and so did its link to the client's lifetime.
    client.destroy();
    expect(signals[0]?.aborted).toBe(false);
  });

  it('fails after 30 s with TOKEN_REQUEST_FAILED (status 0), aborting it; the next call asks anew', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const signals: AbortSignal[] = [];
    const fetchStub = vi.fn((input: RequestInfo | URL, init?: RequestInit) => {
      if (init?.signal) signals.push(init.signal);
      // The first token request hangs (a stalled connection); later ones answer.
      return signals.length == 1 ? new Promise<Response>(() => undefined) : fetch(input, init);
    });
    const client = newClient({ allowedOrigins: [], fetch: fetchStub as typeof fetch });
    const outcomes = [client.getToken(), client.getToken()].map((call) =>
      call.catch((error: unknown) => error),
    );
    await vi.advanceTimersByTimeAsync(29_999);
    expect(signals[0]?.aborted).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    for (const outcome of await Promise.all(outcomes)) {
      expect(outcome).toBeInstanceOf(TokenRequestError);
      expect(outcome).toMatchObject({ code: 'TOKEN_REQUEST_FAILED', status: 0 });
    }
    expect(signals[0]?.aborted).toBe(true);
    vi.useRealTimers();
    expect(await client.getToken()).toBe(server.issued[0]);
    expect(fetchStub).toHaveBeenCalledTimes(2);
  });
});
