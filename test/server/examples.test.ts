import type { IncomingMessage, Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  httpApiEvent,
  restTokenEvent,
  webSocketConnectEvent,
} from './fixtures/api-gateway-events.js';
import { close, listen, rawRequest } from './helpers/http.js';
import { CLIENT_ID, CLIENT_SECRET, STORE_HASH, mintToken, realClaims } from './helpers/tokens.js';
import {
  isTokenVerificationError,
  requireCustomer,
  TokenVerificationError,
} from '../../src/server/index.js';
import type { Verifier } from '../../src/server/index.js';

// The examples import the published entry; point it at the source so no build is needed.
vi.mock('bc-customer-auth/server', () => import('../../src/server/index.js'));

type Handler = (event: unknown) => Promise<unknown>;

/** A token `storeHash` issued, valid right now (the examples use the real clock). */
function liveToken(storeHash = STORE_HASH): string {
  const now = Math.floor(Date.now() / 1000);
  const claims = { iat: now - 60, exp: now + 840, store_hash: storeHash, sub: storeHash };
  return mintToken({ claims: realClaims(claims) });
}

describe('examples/', () => {
  beforeAll(() => {
    vi.stubEnv('BC_CLIENT_ID', CLIENT_ID);
    vi.stubEnv('BC_CLIENT_SECRET', CLIENT_SECRET);
    vi.stubEnv('BC_STORE_HASHES', `${STORE_HASH},def456`);
  });
  afterAll(() => {
    vi.unstubAllEnvs();
  });

  it('rest-api-authorizer allows a valid token and refuses a forged one', async () => {
    const { handler } = (await import('../../examples/rest-api-authorizer.js')) as {
      handler: Handler;
    };
    await expect(handler(restTokenEvent(`Bearer ${liveToken()}`))).resolves.toMatchObject({
      principalId: 'abc123/42',
    });
    await expect(
      handler(restTokenEvent(`Bearer ${mintToken({ secret: 'forged' })}`)),
    ).rejects.toThrow(/^Unauthorized$/);
  });

  it('http-api-authorizer answers with a simple response', async () => {
    const { handler } = (await import('../../examples/http-api-authorizer.js')) as {
      handler: Handler;
    };
    await expect(
      handler(httpApiEvent({ authorization: `Bearer ${liveToken()}` })),
    ).resolves.toMatchObject({ isAuthorized: true });
  });

  it('websocket-authorizer reads the query token on $connect', async () => {
    const { handler } = (await import('../../examples/websocket-authorizer.js')) as {
      handler: Handler;
    };
    await expect(handler(webSocketConnectEvent({ token: [liveToken()] }))).resolves.toMatchObject({
      principalId: 'abc123/42',
    });
  });

  describe('authenticate', () => {
    type Authenticate = (verifier: unknown, request: unknown) => Promise<Record<string, unknown>>;
    let authenticate: Authenticate;
    let verifierFromEnv: (options?: object) => unknown;
    beforeAll(async () => {
      ({ authenticate } = (await import('../../examples/authenticate.js')) as {
        authenticate: Authenticate;
      });
      ({ verifierFromEnv } = await import('../../examples/verifier.js'));
    });

    it('reads Node’s own request: a repeated Authorization header is refused 400', async () => {
      const seen: Record<string, unknown>[] = [];
      const { server, port } = await listen((req: IncomingMessage, res) => {
        // Answered whatever happens, so a rejection fails the expectations below, not a timeout.
        void authenticate(verifierFromEnv(), req)
          .then(
            (result) => seen.push(result),
            (error: unknown) => seen.push({ error }),
          )
          .finally(() => res.end());
      });
      try {
        const token = liveToken();
        const head = (authorization: string) =>
          `GET /points HTTP/1.1\r\nHost: x\r\n${authorization}Connection: close\r\n\r\n`;
        await rawRequest(port, head(`Authorization: Bearer ${token}\r\n`));
        await rawRequest(
          port,
          head(`Authorization: Bearer ${token}\r\nAuthorization: Bearer ${token}\r\n`),
        );
        await rawRequest(port, head(''));
      } finally {
        await close(server);
      }
      expect(seen[0]).toMatchObject({ customer: { storeHash: 'abc123', customerId: 42 } });
      expect(seen[1]).toStrictEqual({
        status: 400,
        headers: {
          'Cache-Control': 'no-store',
          'WWW-Authenticate': 'Bearer realm="api", error="invalid_request"',
        },
        body: { error: 'invalid_request', code: 'INVALID_REQUEST' },
      });
      expect(seen[2]).toStrictEqual({
        status: 401,
        headers: { 'Cache-Control': 'no-store', 'WWW-Authenticate': 'Bearer realm="api"' },
        body: { error: 'unauthorized' },
      });
    });

    it('rejects with the verifier’s own INTERNAL failure, for the framework to answer 500', async () => {
      const broken = verifierFromEnv({ now: () => Number.NaN });
      const request = new Request('https://api.example.com/points', {
        headers: { Authorization: `Bearer ${liveToken()}` },
      });
      const error: unknown = await authenticate(broken, request).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(TokenVerificationError);
      expect(error).toMatchObject({ code: 'INTERNAL' });
    });
  });

  describe('fetch-handler', () => {
    type FetchHandler = (request: Request) => Promise<Response>;
    const api = 'https://api.example.com/points';
    let handle: FetchHandler;
    beforeAll(async () => {
      const { createFetchHandler } = (await import('../../examples/fetch-handler.js')) as {
        createFetchHandler: (verifier: unknown) => FetchHandler;
      };
      const { verifierFromEnv } = await import('../../examples/verifier.js');
      handle = createFetchHandler(verifierFromEnv());
    });

    it('answers the verified caller and refuses a request without a token', async () => {
      const ok = await handle(
        new Request(api, { headers: { Authorization: `Bearer ${liveToken()}` } }),
      );
      expect(ok.status).toBe(200);
      expect(await ok.json()).toStrictEqual({ storeHash: 'abc123', customerId: 42 });
      const anonymous = await handle(new Request(api));
      expect(anonymous.status).toBe(401);
      expect(anonymous.headers.get('www-authenticate')).toBe('Bearer realm="api"');
      expect(anonymous.headers.get('cache-control')).toBe('no-store');
    });

    it('answers a forged token 401 invalid_token and a repeated header 400 invalid_request', async () => {
      const forged = `Bearer ${mintToken({ secret: 'forged' })}`;
      const refused = await handle(new Request(api, { headers: { Authorization: forged } }));
      expect(refused.status).toBe(401);
      expect(refused.headers.get('www-authenticate')).toBe(
        'Bearer realm="api", error="invalid_token"',
      );
      expect(await refused.json()).toStrictEqual({ error: 'invalid_token', code: 'BAD_SIGNATURE' });
      const repeated = new Request(api, {
        headers: [
          ['Authorization', 'Basic dXNlcjpwdw=='],
          ['Authorization', `Bearer ${liveToken()}`],
        ],
      });
      const ambiguous = await handle(repeated);
      expect(ambiguous.status).toBe(400);
      expect(await ambiguous.json()).toStrictEqual({
        error: 'invalid_request',
        code: 'INVALID_REQUEST',
      });
    });
  });

  describe('express-app', () => {
    let server: Server;
    let origin: string;
    beforeAll(async () => {
      const { app } = (await import('../../examples/express-app.js')) as {
        app: Parameters<typeof listen>[0];
      };
      ({ server, origin } = await listen(app));
    });
    afterAll(async () => {
      await close(server);
    });

    it('serves the caller’s identity and refuses anonymous calls', async () => {
      const me = await fetch(`${origin}/api/me`, {
        headers: { Authorization: `Bearer ${liveToken()}` },
      });
      expect(await me.json()).toStrictEqual({
        storeHash: 'abc123',
        customerId: 42,
        email: 'Shopper1@Example.com',
      });
      expect((await fetch(`${origin}/api/me`)).status).toBe(401);
    });

    it('answers the CORS preflight', async () => {
      const preflight = await fetch(`${origin}/api/me`, {
        method: 'OPTIONS',
        headers: { Origin: 'http://localhost:3000', 'Access-Control-Request-Method': 'GET' },
      });
      expect(preflight.status).toBe(204);
      expect(preflight.headers.get('access-control-allow-headers')).toContain('Authorization');
    });
  });

  describe('installed-stores', () => {
    const installs = new Set(['abc123']);
    let databaseDown = false;
    let server: Server;
    let origin: string;
    let verifier: Verifier;
    /** The example's verifier for the test app, asking `isInstalled` about each token's store. */
    let withInstalls: (isInstalled: (storeHash: string) => unknown) => Verifier;
    beforeAll(async () => {
      const { createInstalledStoresVerifier } =
        (await import('../../examples/installed-stores.js')) as {
          createInstalledStoresVerifier: (options: unknown) => Verifier;
        };
      withInstalls = (isInstalled) =>
        createInstalledStoresVerifier({
          clientId: CLIENT_ID,
          clientSecret: CLIENT_SECRET,
          isInstalled,
        });
      verifier = withInstalls(async (storeHash: string) => {
        if (databaseDown) throw new Error('database unreachable');
        return installs.has(storeHash);
      });
      const guard = requireCustomer(verifier);
      // Plain node:http: without next, the guard answers refusals and failures itself.
      ({ server, origin } = await listen((req, res) => {
        void guard(req, res).then((customer) => {
          if (customer) res.end('ok');
        });
      }));
    });
    afterAll(async () => {
      await close(server);
    });

    it('serves a store while it has the app: refused before install and after uninstall', async () => {
      await expect(verifier.verify(liveToken('abc123'))).resolves.toMatchObject({
        storeHash: 'abc123',
      });
      const refusal = await verifier.verify(liveToken('def456')).catch((error: unknown) => error);
      expect(isTokenVerificationError(refusal, 'STORE_NOT_ALLOWED')).toBe(true);
      expect(refusal).toMatchObject({ name: 'TokenClaimError', claim: 'store_hash' });

      installs.add('def456');
      const installed = await fetch(origin, {
        headers: { Authorization: `Bearer ${liveToken('def456')}` },
      });
      expect(installed.status).toBe(200);

      installs.delete('def456');
      const uninstalled = await fetch(origin, {
        headers: { Authorization: `Bearer ${liveToken('def456')}` },
      });
      expect(uninstalled.status).toBe(401);
      expect(await uninstalled.json()).toStrictEqual({
        error: 'invalid_token',
        code: 'STORE_NOT_ALLOWED',
      });
    });

    it('answers 500, not 401, when the installs cannot be read', async () => {
      databaseDown = true;
      try {
        const answer = await fetch(origin, {
          headers: { Authorization: `Bearer ${liveToken('abc123')}` },
        });
        expect(answer.status).toBe(500);
        expect(answer.headers.get('www-authenticate')).toBeNull();
      } finally {
        databaseDown = false;
      }
    });

    it('refuses a store when isInstalled answers undefined, and answers 500 when it rejects without a reason', async () => {
      const noRow = withInstalls(async () => undefined); // a query that found no row
      const refusal = await noRow.verify(liveToken('abc123')).catch((error: unknown) => error);
      expect(isTokenVerificationError(refusal, 'STORE_NOT_ALLOWED')).toBe(true);

      const guard = requireCustomer(
        withInstalls(() => Promise.reject(undefined as unknown as Error)),
      );
      const headers: Record<string, string> = {};
      const res = {
        statusCode: 200,
        setHeader: (name: string, value: string) => (headers[name] = value),
        end: vi.fn(),
      };
      await guard({ headers: { authorization: `Bearer ${liveToken('abc123')}` } }, res);
      expect(res.statusCode).toBe(500);
      expect(headers['WWW-Authenticate']).toBeUndefined();
    });

    it('still checks the signature before it asks about the store', async () => {
      let asked = 0;
      const counting = withInstalls(() => ++asked > 0);
      const forged = await counting
        .verify(mintToken({ secret: 'forged' }))
        .catch((error: unknown) => error);
      expect(isTokenVerificationError(forged, 'BAD_SIGNATURE')).toBe(true);
      expect(asked).toBe(0);
    });
  });
});
