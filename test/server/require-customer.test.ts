import type { Server } from 'node:http';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  requireCustomer,
  requireCustomerUpgrade,
  type RequireCustomerOptions,
  type Verifier,
} from '../../src/server/index.js';
import { close, listen, parseRawResponse, rawRequest } from './helpers/http.js';
import { mintToken, realClaims, testVerifier } from './helpers/tokens.js';

const VALID = mintToken();

describe('requireCustomer on plain node:http (no next)', () => {
  let server: Server;
  let origin: string;
  let port: number;
  let reachedHandler: number;

  async function start(verifier: Verifier = testVerifier(), options = {}): Promise<void> {
    const auth = requireCustomer(verifier, options);
    ({ server, origin, port } = await listen(async (req, res) => {
      res.setHeader('Access-Control-Allow-Origin', 'http://localhost:3000');
      const customer = await auth(req, res);
      // Undefined: already answered (401, 400, 500, or 204 to a preflight).
      if (customer === undefined) return;
      reachedHandler += 1;
      res.setHeader('Content-Type', 'application/json');
      res.end(
        JSON.stringify({ customer, same: (req as { customer?: unknown }).customer === customer }),
      );
    }));
  }

  beforeEach(() => {
    reachedHandler = 0;
  });
  afterEach(async () => {
    await close(server);
  });

  it('admits a valid token and sets req.customer', async () => {
    await start();
    const response = await fetch(`${origin}/points`, {
      headers: { Authorization: `Bearer ${VALID}` },
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      customer: { storeHash: 'abc123', customerId: 42 },
      same: true,
    });
    expect(reachedHandler).toBe(1);
  });

  it('answers 401 with a bare challenge when no token is sent', async () => {
    await start();
    const response = await fetch(`${origin}/points`);
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe('Bearer realm="api"');
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(await response.json()).toStrictEqual({ error: 'unauthorized' });
    expect(reachedHandler).toBe(0);
  });

  it('answers 401 invalid_token for a refused token, without echoing it', async () => {
    await start(testVerifier(), { realm: 'loyalty' });
    const expired = mintToken({ claims: realClaims({ iat: 1, exp: 901 }) });
    const response = await fetch(`${origin}/points`, {
      headers: { Authorization: `Bearer ${expired}` },
    });
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe(
      'Bearer realm="loyalty", error="invalid_token"',
    );
    expect(response.headers.get('cache-control')).toBe('no-store');
    const body = await response.text();
    expect(JSON.parse(body)).toStrictEqual({ error: 'invalid_token', code: 'EXPIRED' });
    expect(body).not.toContain(expired.split('.')[1]);
    expect(reachedHandler).toBe(0);
  });

  it('answers 400 invalid_request for duplicated Authorization headers on the wire', async () => {
    await start();
    const raw = await rawRequest(
      port,
      `GET /points HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${VALID}\r\nAuthorization: Bearer ${VALID}\r\nConnection: close\r\n\r\n`,
    );
    const response = parseRawResponse(raw);
    expect(response.status).toBe(400);
    expect(response.headers['www-authenticate']).toBe(
      'Bearer realm="api", error="invalid_request"',
    );
    expect(response.headers['cache-control']).toBe('no-store');
    expect(JSON.parse(response.body)).toStrictEqual({
      error: 'invalid_request',
      code: 'INVALID_REQUEST',
    });
    expect(reachedHandler).toBe(0);
  });

  it('accepts the token once on the wire, with a lowercase scheme', async () => {
    await start();
    const raw = await rawRequest(
      port,
      `GET /points HTTP/1.1\r\nHost: 127.0.0.1\r\nauthorization: bearer ${VALID}\r\nConnection: close\r\n\r\n`,
    );
    expect(parseRawResponse(raw).status).toBe(200);
    expect(reachedHandler).toBe(1);
  });

  it('ignores the query token unless allowQueryToken, and rejects header + query when allowed', async () => {
    await start();
    expect((await fetch(`${origin}/events?token=${VALID}`)).status).toBe(401);
    await close(server);
    await start(testVerifier(), { allowQueryToken: true });
    expect((await fetch(`${origin}/events?token=${VALID}`)).status).toBe(200);
    const both = await fetch(`${origin}/events?token=${VALID}`, {
      headers: { Authorization: `Bearer ${VALID}` },
    });
    expect(both.status).toBe(400);
    expect(reachedHandler).toBe(1);
  });

  it('treats undefined options as the defaults: realm "api", no query token', async () => {
    const options: RequireCustomerOptions = { allowQueryToken: undefined, realm: undefined };
    await start(testVerifier(), options);
    const response = await fetch(`${origin}/events?token=${VALID}`);
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe('Bearer realm="api"');
    expect(reachedHandler).toBe(0);
  });

  it('answers a CORS preflight 204 with the headers already set, but not a plain OPTIONS', async () => {
    await start();
    const preflight = await fetch(`${origin}/points`, {
      method: 'OPTIONS',
      headers: { Origin: 'http://localhost:3000', 'Access-Control-Request-Method': 'GET' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('http://localhost:3000');
    expect((await fetch(`${origin}/points`, { method: 'OPTIONS' })).status).toBe(401);
    expect(reachedHandler).toBe(0);
  });

  it('answers 500 without a challenge when the verifier itself fails', async () => {
    await start({ verify: () => Promise.reject(new Error('database down')) });
    const response = await fetch(`${origin}/points`, {
      headers: { Authorization: `Bearer ${VALID}` },
    });
    expect(response.status).toBe(500);
    expect(response.headers.get('www-authenticate')).toBeNull();
    expect(await response.json()).toStrictEqual({ error: 'server_error' });
  });

  // A verifier of the app's own (the FAQ's installed-stores wrapper) with `return null` for a store
  // it does not serve: the request is neither admitted nor left unanswered.
  it.each([null, undefined])(
    'answers 500, not the no-token 401, when the verifier resolves to %s',
    async (nothing) => {
      await start({ verify: () => Promise.resolve(nothing as never) });
      const response = await fetch(`${origin}/points`, {
        headers: { Authorization: `Bearer ${VALID}` },
      });
      expect(response.status).toBe(500);
      expect(await response.json()).toStrictEqual({ error: 'server_error' });
      expect(reachedHandler).toBe(0);
    },
  );

  it('answers 500, not the no-token 401, when the verifier rejects without a reason', async () => {
    await start({ verify: () => Promise.reject(undefined as unknown as Error) });
    const response = await fetch(`${origin}/points`, {
      headers: { Authorization: `Bearer ${VALID}` },
    });
    expect(response.status).toBe(500);
    expect(response.headers.get('www-authenticate')).toBeNull();
  });
});

describe('requireCustomer without next, on its own', () => {
  it('answers 500 without a challenge when verification fails with INTERNAL', async () => {
    const headers: Record<string, string> = {};
    const res = {
      statusCode: 200,
      setHeader: (name: string, value: string) => (headers[name.toLowerCase()] = value),
      end: vi.fn(),
    };
    const auth = requireCustomer(testVerifier({ now: () => Number.NaN }));
    const result = await auth({ headers: { authorization: `Bearer ${VALID}` } }, res);
    expect(result).toBeUndefined();
    expect(res.statusCode).toBe(500);
    expect(headers['www-authenticate']).toBeUndefined();
    expect(res.end).toHaveBeenCalledWith(JSON.stringify({ error: 'server_error' }));
  });

  it('after the headers were sent, only writes the body and never rejects', async () => {
    const setHeader = vi.fn(() => {
      throw new Error('ERR_HTTP_HEADERS_SENT');
    });
    const res = { statusCode: 200, headersSent: true, setHeader, end: vi.fn() };
    await expect(requireCustomer(testVerifier())({ headers: {} }, res)).resolves.toBeUndefined();
    expect(res.statusCode).toBe(200);
    expect(setHeader).not.toHaveBeenCalled();
    expect(res.end).toHaveBeenCalledWith(JSON.stringify({ error: 'unauthorized' }));
  });

  it('authenticates a plain OPTIONS whose headers get() answers undefined, as a Map does', async () => {
    const res = { statusCode: 200, setHeader: vi.fn(), end: vi.fn() };
    const next = vi.fn();
    const auth = requireCustomer(testVerifier());
    const req = { method: 'OPTIONS', headers: new Map<string, string>() };
    await expect(auth(req as never, res, next)).resolves.toBeUndefined();
    expect(next).not.toHaveBeenCalled();
    expect(res.statusCode).toBe(401);
    expect(res.end).toHaveBeenCalledWith(JSON.stringify({ error: 'unauthorized' }));
  });

  it.each([
    ['fetch Headers', new Headers({ 'Access-Control-Request-Method': 'GET' })],
    ['a Map', new Map([['access-control-request-method', 'GET']])],
  ])(
    'answers a preflight whose headers are read through get() (%s) 204, without authenticating',
    async (_kind, headers) => {
      const res = { statusCode: 200, setHeader: vi.fn(), end: vi.fn() };
      const auth = requireCustomer(testVerifier());
      await expect(auth({ method: 'OPTIONS', headers }, res)).resolves.toBeUndefined();
      expect(res.statusCode).toBe(204);
      expect(res.setHeader).not.toHaveBeenCalled();
      expect(res.end).toHaveBeenCalledWith('');
    },
  );

  it('answers a preflight 204 whatever the case of its header name', async () => {
    const res = { statusCode: 200, setHeader: vi.fn(), end: vi.fn() };
    const headers = { 'ACCESS-CONTROL-REQUEST-METHOD': 'GET' };
    await requireCustomer(testVerifier())({ method: 'OPTIONS', headers }, res);
    expect(res.statusCode).toBe(204);
  });

  it.each(['GET', 'HEAD', 'POST', 'DELETE', 'options'])(
    'authenticates %s even with Access-Control-Request-Method: only OPTIONS is a preflight',
    async (method) => {
      const res = { statusCode: 200, setHeader: vi.fn(), end: vi.fn() };
      const next = vi.fn();
      const headers = { 'access-control-request-method': 'GET' };
      await requireCustomer(testVerifier())({ method, headers }, res, next);
      expect(next).not.toHaveBeenCalled();
      expect(res.statusCode).toBe(401);
      expect(res.setHeader).toHaveBeenCalledWith('Content-Type', 'application/json; charset=utf-8');
    },
  );

  it.each([
    ['a number', 5],
    ['an object without a prototype, which has no string form', Object.create(null) as object],
  ])(
    'answers 401 unauthorized, not 500, when a framework hands it %s as the Authorization value',
    async (_kind, authorization) => {
      const res = { statusCode: 200, setHeader: vi.fn(), end: vi.fn() };
      const next = vi.fn();
      await requireCustomer(testVerifier())(
        { headers: { authorization: authorization as never } },
        res,
        next,
      );
      expect(next).not.toHaveBeenCalled();
      expect(res.statusCode).toBe(401);
      expect(res.end).toHaveBeenCalledWith(JSON.stringify({ error: 'unauthorized' }));
    },
  );

  it("rejects with a throwing next's own error, having answered nothing itself", async () => {
    const res = { statusCode: 200, setHeader: vi.fn(), end: vi.fn() };
    const thrown = new Error('the next handler failed');
    const next = vi.fn(() => {
      throw thrown;
    });
    const req = { headers: { authorization: `Bearer ${VALID}` } };
    await expect(requireCustomer(testVerifier())(req, res, next)).rejects.toBe(thrown);
    expect(next).toHaveBeenCalledTimes(1);
    expect(next).toHaveBeenCalledWith();
    expect(res.end).not.toHaveBeenCalled();
  });

  it('answers an OPTIONS request object without headers 500 server_error, as any request without headers, never rejecting', async () => {
    const res = { statusCode: 200, setHeader: vi.fn(), end: vi.fn() };
    const auth = requireCustomer(testVerifier());
    await expect(auth({ method: 'OPTIONS' } as never, res)).resolves.toBeUndefined();
    expect(res.statusCode).toBe(500);
    expect(res.end).toHaveBeenCalledWith(JSON.stringify({ error: 'server_error' }));
  });
});

describe('requireCustomer creation', () => {
  it('throws a TypeError for a missing verifier or a bad realm', () => {
    expect(() => requireCustomer(undefined as never)).toThrow(TypeError);
    expect(() => requireCustomer({} as never)).toThrow(/createVerifier/);
    expect(() => requireCustomer(testVerifier(), { realm: 'a"b' })).toThrow(/"realm"/);
    expect(() => requireCustomer(testVerifier(), { realm: '' })).toThrow(/"realm"/);
    expect(() => requireCustomer(testVerifier(), { realm: null as never })).toThrow(/"realm"/);
  });

  it('throws a TypeError for an unknown option, a flag that is not a boolean, or null options', () => {
    expect(() => requireCustomer(testVerifier(), { allowQueryTokens: true } as never)).toThrow(
      'bc-customer-auth: requireCustomer has no option "allowQueryTokens" (its options: allowQueryToken, realm)',
    );
    expect(() => requireCustomer(testVerifier(), { allowQueryToken: 'true' as never })).toThrow(
      'bc-customer-auth: requireCustomer option "allowQueryToken" must be a boolean',
    );
    expect(() => requireCustomer(testVerifier(), null as never)).toThrow(
      'bc-customer-auth: requireCustomer options must be an object',
    );
  });
});

describe('requireCustomer on a response that has already ended', () => {
  it('writes nothing more (no ERR_STREAM_WRITE_AFTER_END on res, which would crash the process)', async () => {
    const auth = requireCustomer(testVerifier());
    const errors: unknown[] = [];
    let settled: Promise<unknown> = Promise.resolve('not called');
    const { server, origin } = await listen((req, res) => {
      // Without a listener this 'error' event is an uncaught exception.
      res.on('error', (error) => errors.push(error));
      // The app has answered already (a body still being flushed), then authenticates by mistake.
      res.end('x'.repeat(4 << 20));
      settled = auth(req, res);
    });
    try {
      const response = await fetch(`${origin}/points`);
      expect(response.status).toBe(200);
      expect((await response.text()).length).toBe(4 << 20);
      expect(await settled).toBeUndefined();
      await new Promise((resolve) => setImmediate(resolve));
      expect(errors).toStrictEqual([]);
    } finally {
      await close(server);
    }
  });
});

describe('requireCustomer: realm and preflight edges', () => {
  it('refuses a realm with a backslash (it would need escaping in the quoted string)', async () => {
    expect(() => requireCustomer(testVerifier(), { realm: 'a\\b' })).toThrow(/"realm"/);
    expect(() => requireCustomer(testVerifier(), { realm: 'caf\u00e9' })).toThrow(/"realm"/);
  });

  it('refuses a realm with DEL (0x7f), which Node would refuse in WWW-Authenticate at request time', async () => {
    expect(() => requireCustomer(testVerifier(), { realm: 'api\x7f' })).toThrow(/"realm"/);
    expect(() => requireCustomerUpgrade(testVerifier(), { realm: 'api\x7f' })).toThrow(/"realm"/);
  });

  it('recognises a preflight in a plain headers object whatever the header name’s case', async () => {
    const res = { statusCode: 200, setHeader: vi.fn(), end: vi.fn() };
    const auth = requireCustomer(testVerifier());
    const req = { method: 'OPTIONS', headers: { 'Access-Control-Request-Method': 'GET' } };
    await expect(auth(req, res)).resolves.toBeUndefined();
    expect(res.statusCode).toBe(204);
    expect(res.end).toHaveBeenCalledWith('');
  });

  it('leaves a preflight whose headers were already sent alone (no next)', async () => {
    const res = { statusCode: 200, headersSent: true, setHeader: vi.fn(), end: vi.fn() };
    const auth = requireCustomer(testVerifier());
    const req = { method: 'OPTIONS', headers: { 'access-control-request-method': 'GET' } };
    await expect(auth(req, res)).resolves.toBeUndefined();
    expect(res.statusCode).toBe(200);
    expect(res.end).not.toHaveBeenCalled();
  });

  it('authenticates a lowercase "options" request, even with Access-Control-Request-Method', async () => {
    const res = { statusCode: 200, setHeader: vi.fn(), end: vi.fn() };
    const next = vi.fn();
    const req = { method: 'options', headers: { 'access-control-request-method': 'GET' } };
    await expect(requireCustomer(testVerifier())(req, res, next)).resolves.toBeUndefined();
    expect(next).not.toHaveBeenCalled();
    expect(res.statusCode).toBe(401);
  });
});
