// A prototype-pollution bug elsewhere in an app (a deep merge of request JSON) sets properties on
// Object.prototype. None of them may turn into a setting of the verifier or the middleware.
import { describe, expect, it, vi } from 'vitest';
import {
  createApiGatewayAuthorizer,
  createVerifier,
  extractToken,
  requireCustomer,
  requireCustomerUpgrade,
  TokenClaimError,
  TokenVerificationError,
  type CustomerRequest,
  type VerifierOptions,
} from '../../src/server/index.js';
import {
  httpApiEvent,
  restRequestEvent,
  webSocketConnectEvent,
} from './fixtures/api-gateway-events.js';
import { fakeSocket } from './helpers/http.js';
import {
  CLIENT_ID,
  CLIENT_SECRET,
  NOW,
  STORE_HASH,
  claimsWithout,
  encodeSegment,
  mintToken,
  realClaims,
  settle,
  signSegments,
  testVerifier,
} from './helpers/tokens.js';
import { whilePolluted } from '../support/polluted-prototype.js';

const VALID = mintToken();

describe('a polluted Object.prototype', () => {
  it('does not widen createVerifier’s clock tolerance or token lifetime', async () => {
    const { verify } = await whilePolluted(
      { clockToleranceSeconds: 1e9, maxLifetimeSeconds: 1e9 },
      () => testVerifier(),
    );
    const expired = mintToken({ claims: realClaims({ iat: NOW - 3600, exp: NOW - 2700 }) });
    const long = mintToken({ claims: realClaims({ iat: NOW - 60, exp: NOW + 86_400 }) });

    await expect(verify(expired)).rejects.toMatchObject({ code: 'EXPIRED' });
    await expect(verify(long)).rejects.toMatchObject({ code: 'CLAIM_INVALID', claim: 'exp' });
  });

  it('does not stand in for a missing storeHashes (null would accept every store)', async () => {
    const options = { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET } as VerifierOptions;
    const created = await whilePolluted({ storeHashes: null }, () => createVerifier(options)).catch(
      (error: unknown) => error,
    );

    expect(created).toBeInstanceOf(TypeError);
    expect(created).toMatchObject({ message: expect.stringMatching(/"storeHashes" is required/) });
  });

  it.each(['clientId', 'clientSecret'])('does not stand in for a missing %s', async (name) => {
    const options: Record<string, unknown> = {
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      storeHashes: [STORE_HASH],
    };
    delete options[name];
    const created = await whilePolluted({ [name]: 'polluted-value' }, () =>
      createVerifier(options as unknown as VerifierOptions),
    ).catch((error: unknown) => error);

    expect(created).toBeInstanceOf(TypeError);
    expect(created).toMatchObject({
      message: `bc-customer-auth: createVerifier option "${name}" must be a non-empty string without surrounding whitespace`,
    });
  });

  it('does not narrow createVerifier’s accepted tokens through minRemainingSeconds', async () => {
    // 840 s left: refused if 860 s had to remain, yet 860 + 30 s of tolerance fits in 900 s.
    const { verify } = await whilePolluted({ minRemainingSeconds: 860 }, () => testVerifier());

    await expect(verify(VALID)).resolves.toMatchObject({ customerId: 42 });
  });

  it.each([
    ['a number, as from JSON', NOW * 1000],
    ['a function', () => NOW * 1000],
  ])('does not set createVerifier’s clock through now (%s)', async (_kind, now) => {
    const verifier = await whilePolluted({ now }, () =>
      createVerifier({
        clientId: CLIENT_ID,
        clientSecret: CLIENT_SECRET,
        storeHashes: [STORE_HASH],
      }),
    );
    // The real clock is years past NOW, when VALID was issued: only a polluted clock accepts it.
    const refused = await verifier.verify(VALID).catch((error: unknown) => error);

    expect(refused).toBeInstanceOf(TokenClaimError);
    expect(refused).toMatchObject({ code: 'EXPIRED', claim: 'exp' });
  });

  it('does not change the realm requireCustomer names in its challenge', async () => {
    const middleware = await whilePolluted({ realm: 'polluted' }, () =>
      requireCustomer(testVerifier()),
    );
    const res = { statusCode: 200, setHeader: vi.fn(), end: vi.fn() };

    await middleware({ method: 'GET', url: '/points', headers: {} }, res);
    expect(res.statusCode).toBe(401);
    expect(res.setHeader).toHaveBeenCalledWith('WWW-Authenticate', 'Bearer realm="api"');
  });

  it('does not switch the authorizer to simple responses: an HTTP API still gets an IAM policy', async () => {
    const authorizer = await whilePolluted({ simpleResponses: true }, () =>
      createApiGatewayAuthorizer(testVerifier()),
    );
    const answer = await authorizer(httpApiEvent({ authorization: `Bearer ${VALID}` }));

    expect(answer).toMatchObject({
      principalId: `${STORE_HASH}/42`,
      policyDocument: { Statement: [{ Effect: 'Allow' }] },
    });
    expect(answer).not.toHaveProperty('isAuthorized');
  });

  it('does not make requireCustomer, the authorizer or extractToken read the query token', async () => {
    const verifier = testVerifier();
    const [middleware, authorizer] = await whilePolluted({ allowQueryToken: true }, () => [
      requireCustomer(verifier),
      createApiGatewayAuthorizer(verifier),
    ]);
    const request = { url: `/points?token=${VALID}`, headers: {} };
    const extracted = await whilePolluted({ allowQueryToken: true }, () => extractToken(request));
    const res = { statusCode: 200, setHeader: vi.fn(), end: vi.fn() };

    expect(extracted).toBeUndefined();
    await middleware({ method: 'GET', ...request } as never, res);
    expect(res.statusCode).toBe(401);
    expect(res.setHeader).toHaveBeenCalledWith('WWW-Authenticate', 'Bearer realm="api"');
    const refused = await settle(authorizer(restRequestEvent({}, { token: [VALID] })));
    expect(refused.error).toMatchObject({ message: 'Unauthorized' });
    // The same request passes where the option is really set: the refusals above are the guard's.
    expect(extractToken(request, { allowQueryToken: true })).toBe(VALID);
  });

  it('does not switch the verifier to WebCrypto through its internal forceWebCrypto', async () => {
    const importKey = vi.spyOn(globalThis.crypto.subtle, 'importKey');
    try {
      const { verify } = await whilePolluted({ forceWebCrypto: true }, () => testVerifier());
      await expect(verify(VALID)).resolves.toMatchObject({ customerId: 42 });
      expect(importKey).not.toHaveBeenCalled();
    } finally {
      importKey.mockRestore();
    }
  });

  it('still verifies with options set on the object itself', async () => {
    const verifier = await whilePolluted({ clockToleranceSeconds: 1e9 }, () =>
      createVerifier({
        clientId: CLIENT_ID,
        clientSecret: CLIENT_SECRET,
        storeHashes: [STORE_HASH],
        now: () => NOW * 1000,
      }),
    );

    await expect(verifier.verify(VALID)).resolves.toMatchObject({ customerId: 42 });
  });
});

describe('a polluted Object.prototype, read as part of a request or an event', () => {
  // The attacker's own token, planted where a request that carries none would inherit it.
  const ATTACKER = mintToken({
    claims: realClaims({ customer: { id: 666, email: 'evil@example.com', group_id: 0 } }),
  });

  it('does not give a $connect event without a token the polluted "token"', async () => {
    const authorizer = createApiGatewayAuthorizer(testVerifier());
    const event = webSocketConnectEvent({ lang: ['en'] });
    const refused = await whilePolluted({ token: ATTACKER }, () => settle(authorizer(event)));

    expect(refused.error).toMatchObject({ message: 'Unauthorized' });
    expect(refused.error).not.toHaveProperty('cause');
  });

  it('does not let a polluted event field supply the query or mark a REST event as $connect', async () => {
    const queried = createApiGatewayAuthorizer(testVerifier(), { allowQueryToken: true });
    const noQuery = httpApiEvent({}) as unknown as Record<string, unknown>;
    delete noQuery['rawQueryString'];
    const plain = createApiGatewayAuthorizer(testVerifier());
    const [fromArray, fromRaw, asConnect] = await whilePolluted(
      { token: [ATTACKER], rawQueryString: `token=${ATTACKER}`, eventType: 'CONNECT' },
      () =>
        Promise.all([
          settle(queried(restRequestEvent({}, { lang: ['en'] }))),
          settle(queried(noQuery as never)),
          settle(plain(restRequestEvent({}, { token: [VALID] }))),
        ]),
    );

    for (const refused of [fromArray, fromRaw, asConnect]) {
      expect(refused.error).toMatchObject({ message: 'Unauthorized' });
    }
  });

  it('does not let extractToken read a polluted originalUrl or url', async () => {
    const request = { headers: {}, url: '/points' };
    const [fromOriginal, fromUrl] = await whilePolluted(
      { originalUrl: `/points?token=${ATTACKER}`, url: `/points?token=${ATTACKER}` },
      () => [
        extractToken(request, { allowQueryToken: true }),
        extractToken({ headers: {} }, { allowQueryToken: true }),
      ],
    );

    expect(fromOriginal).toBeUndefined();
    expect(fromUrl).toBeUndefined();
  });

  it('does not let a polluted rawHeaders replace the token of a fetch Request', async () => {
    const request = new Request('https://api.example.com/points', {
      headers: { authorization: `Bearer ${VALID}` },
    });
    const token = await whilePolluted({ rawHeaders: ['authorization', `Bearer ${ATTACKER}`] }, () =>
      extractToken(request),
    );

    expect(token).toBe(VALID);
  });
});

describe('only own properties: the claims and the request', () => {
  const customer = { id: 42, email: 'Shopper1@Example.com', group_id: '0' };
  const customerWithout = (name: string) =>
    Object.fromEntries(Object.entries(customer).filter(([key]) => key !== name));

  it.each([
    ['customer', { claims: claimsWithout('customer') }, { customer }],
    ['customer.id', { claims: realClaims({ customer: customerWithout('id') }) }, { id: 666 }],
    [
      'customer.email',
      { claims: realClaims({ customer: customerWithout('email') }) },
      { email: 'evil@example.com' },
    ],
    [
      'customer.group_id',
      { claims: realClaims({ customer: customerWithout('group_id') }) },
      { group_id: '0' },
    ],
    ['store_hash', { claims: claimsWithout('store_hash') }, { store_hash: STORE_HASH }],
    ['exp', { claims: claimsWithout('exp') }, { exp: NOW + 60 }],
  ])(
    'never takes a missing %s claim from a polluted Object.prototype',
    async (claim, mint, pollution) => {
      const token = mintToken(mint);
      const verifier = testVerifier();
      const { error } = await whilePolluted(pollution, () => settle(verifier.verify(token)));
      expect(error).toBeInstanceOf(TokenClaimError);
      expect(error).toMatchObject({ code: 'CLAIM_INVALID', claim });
    },
  );

  it('never takes a missing alg from a polluted Object.prototype', async () => {
    const token = signSegments(encodeSegment({ typ: 'JWT' }), encodeSegment(realClaims()));
    const verifier = testVerifier();
    const { error } = await whilePolluted({ alg: 'HS512' }, () => settle(verifier.verify(token)));
    expect(error).toMatchObject({ code: 'UNSUPPORTED_ALGORITHM' });
  });

  it('still verifies a good token with a polluted typ or crit (header parameters are own)', async () => {
    const verifier = testVerifier();
    const untyped = mintToken({ header: { alg: 'HS512' } });
    await expect(
      whilePolluted({ typ: 'JOSE', crit: ['exp'] }, () => verifier.verify(untyped)),
    ).resolves.toMatchObject({ customerId: 42 });
  });

  it('does not make an OPTIONS request a preflight through a polluted header name', async () => {
    const res = { statusCode: 200, setHeader: vi.fn(), end: vi.fn() };
    const next = vi.fn();
    const middleware = requireCustomer(testVerifier());
    await whilePolluted({ 'access-control-request-method': 'GET' }, () =>
      middleware({ method: 'OPTIONS', url: '/points', headers: {} }, res, next),
    );
    expect(next).not.toHaveBeenCalled();
    expect(res.statusCode).toBe(401);
  });

  it('ignores an nbf on a polluted Object.prototype (only an own nbf is read)', async () => {
    const verifier = testVerifier();
    const result = await whilePolluted({ nbf: NOW + 3600 }, () =>
      settle(verifier.verify(mintToken())),
    );
    expect(result.error).toBeUndefined();
    expect(result.value).toMatchObject({ storeHash: STORE_HASH, customerId: 42 });
  });

  it('does not read a polluted originalUrl when only originalUrl is polluted', async () => {
    // The existing test pollutes url with the same string, and the url guard then hides this one.
    const token = await whilePolluted({ originalUrl: '/points?token=attacker.token.here' }, () =>
      extractToken({ headers: {}, url: '/points' }, { allowQueryToken: true }),
    );
    expect(token).toBeUndefined();
  });
});

describe('a polluted Object.prototype.customer', () => {
  const planted = { storeHash: STORE_HASH, customerId: 1, email: 'victim@example.com' };

  it('does not admit a request without a token, or with a forged one, through requireCustomer', async () => {
    const middleware = requireCustomer(testVerifier());
    const forged = mintToken({ secret: 'not-the-secret' });
    for (const headers of [{}, { authorization: `Bearer ${forged}` }]) {
      const res = { statusCode: 200, setHeader: vi.fn(), end: vi.fn() };
      const next = vi.fn();
      const request = { method: 'GET', url: '/points', headers };
      const customer = await whilePolluted({ customer: planted }, async () => [
        await middleware(request, res),
        await middleware(request, res, next),
      ]);
      expect(customer).toEqual([undefined, undefined]);
      expect(next).not.toHaveBeenCalled();
      expect(res.statusCode).toBe(401);
    }
  });

  it('does not show on a CORS preflight passed on to next: req.customer is undefined there', async () => {
    const request: CustomerRequest = {
      method: 'OPTIONS',
      url: '/points',
      headers: { 'access-control-request-method': 'POST' },
    };
    const next = vi.fn();
    const seen = await whilePolluted({ customer: planted }, async () => {
      const res = { statusCode: 200, setHeader: vi.fn(), end: vi.fn() };
      await requireCustomer(testVerifier())(request, res, next);
      return request.customer;
    });
    expect(next).toHaveBeenCalledOnce();
    expect(seen).toBeUndefined();
  });

  it('does not accept a WebSocket upgrade without a token', async () => {
    const socket = fakeSocket();
    const customer = await whilePolluted({ customer: planted }, () =>
      requireCustomerUpgrade(testVerifier())({ headers: {}, url: '/live' }, socket),
    );
    expect(customer).toBeUndefined();
    expect(socket.written[0]).toMatch(/^HTTP\/1\.1 401 /);
  });
});

describe('a polluted Object.prototype.get', () => {
  const ATTACKER = mintToken({
    claims: realClaims({ customer: { id: 666, email: 'evil@example.com', group_id: 0 } }),
  });
  // A plain headers record would otherwise be read through the inherited get().
  const get = (name: string) => (name === 'authorization' ? `Bearer ${ATTACKER}` : 'GET');

  it('does not give a request without an Authorization header the polluted token', async () => {
    const middleware = requireCustomer(testVerifier());
    const res = { statusCode: 200, setHeader: vi.fn(), end: vi.fn() };
    const request = { method: 'GET', url: '/points', headers: { accept: 'application/json' } };
    const [extracted, customer] = await whilePolluted({ get }, async () => [
      extractToken(request),
      await middleware(request, res),
    ]);

    expect(extracted).toBeUndefined();
    expect(customer).toBeUndefined();
    expect(res.statusCode).toBe(401);
    expect(res.setHeader).toHaveBeenCalledWith('WWW-Authenticate', 'Bearer realm="api"');
  });

  it('does not make an OPTIONS request without Access-Control-Request-Method a preflight', async () => {
    const middleware = requireCustomer(testVerifier());
    const res = { statusCode: 200, setHeader: vi.fn(), end: vi.fn() };
    const next = vi.fn();
    const request = { method: 'OPTIONS', url: '/points', headers: {} };
    await whilePolluted({ get }, () => middleware(request, res, next));

    expect(next).not.toHaveBeenCalled();
    expect(res.statusCode).toBe(401);
  });

  it('still reads a fetch Request and a Map through their own get()', async () => {
    const request = new Request('https://api.example.com/points', {
      headers: { authorization: `Bearer ${VALID}` },
    });
    const map = new Map([['authorization', `Bearer ${VALID}`]]);
    const [fromRequest, fromMap] = await whilePolluted({ get }, () => [
      extractToken(request),
      extractToken({ headers: map }),
    ]);

    expect(fromRequest).toBe(VALID);
    expect(fromMap).toBe(VALID);
  });
});

const ATTACKER = mintToken({
  claims: realClaims({ customer: { id: 666, email: 'evil@example.com', group_id: 0 } }),
});

// Hand-built or adapted request and response objects (their `method`, `headers`, `headersSent` and
// `writableEnded` are optional): Node's own are own properties or class getters.
describe('a polluted Object.prototype and a request without its own method', () => {
  it('is not made a preflight, passed to next() unauthenticated, by Object.prototype.method', async () => {
    const middleware = requireCustomer(testVerifier());
    const next = vi.fn();
    const res = { statusCode: 200, setHeader: vi.fn(), end: vi.fn() };
    // The attacker sends Access-Control-Request-Method on an ordinary request, without a token.
    const request: CustomerRequest = {
      url: '/points',
      headers: { 'access-control-request-method': 'GET' },
    };
    await whilePolluted({ method: 'OPTIONS' }, () => middleware(request, res, next));

    expect(next).not.toHaveBeenCalled();
    expect(res.statusCode).toBe(401);
  });
});

describe('a polluted Object.prototype and a request without its own headers', () => {
  it('takes no token from a polluted Object.prototype.headers', async () => {
    const request = { url: '/points' } as unknown as CustomerRequest;
    const outcome = await whilePolluted(
      { headers: { authorization: `Bearer ${ATTACKER}` } },
      () => {
        try {
          return extractToken(request);
        } catch (error) {
          return error;
        }
      },
    );
    expect(outcome).not.toBe(ATTACKER);
    expect(outcome).toBeInstanceOf(TypeError);
  });
});

describe('a polluted Object.prototype and a response without its own headersSent or writableEnded', () => {
  it('still answers 401 with its challenge under Object.prototype.headersSent', async () => {
    const middleware = requireCustomer(testVerifier());
    const res = { statusCode: 200, setHeader: vi.fn(), end: vi.fn() };
    await whilePolluted({ headersSent: true }, () =>
      middleware({ method: 'GET', url: '/points', headers: {} }, res),
    );
    expect(res.statusCode).toBe(401);
    expect(res.setHeader).toHaveBeenCalledWith('WWW-Authenticate', 'Bearer realm="api"');
  });

  it('still ends the response under Object.prototype.writableEnded (else the request hangs)', async () => {
    const middleware = requireCustomer(testVerifier());
    const res = { statusCode: 200, setHeader: vi.fn(), end: vi.fn() };
    await whilePolluted({ writableEnded: true }, () =>
      middleware({ method: 'GET', url: '/points', headers: {} }, res),
    );
    expect(res.end).toHaveBeenCalledOnce();
  });
});

describe('a polluted Object.prototype.cause', () => {
  it('takes no cause from a polluted Object.prototype', async () => {
    const error = await whilePolluted(
      { cause: 'polluted' },
      () => new TokenVerificationError('MALFORMED', 'token is not three segments'),
    );
    expect(Object.hasOwn(error, 'cause')).toBe(false);
  });
});
