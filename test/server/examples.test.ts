import type { Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  httpApiEvent,
  restTokenEvent,
  webSocketConnectEvent,
} from './fixtures/api-gateway-events.js';
import { close, listen } from './helpers/http.js';
import { CLIENT_ID, CLIENT_SECRET, STORE_HASH, mintToken, realClaims } from './helpers/tokens.js';

// The examples import the published entry; point it at the source so no build is needed.
vi.mock('bc-customer-auth/server', () => import('../../src/server/index.js'));

type Handler = (event: unknown) => Promise<unknown>;

/** A token valid right now (the examples use the real clock). */
function liveToken(): string {
  const now = Math.floor(Date.now() / 1000);
  return mintToken({ claims: realClaims({ iat: now - 60, exp: now + 840 }) });
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
});
