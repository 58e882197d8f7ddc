import express, { type ErrorRequestHandler, type Request } from 'express';
import type { Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { requireCustomer, type VerifiedCustomer, type Verifier } from '../../src/server/index.js';
import { close, listen } from './helpers/http.js';
import { mintToken, realClaims, testVerifier } from './helpers/tokens.js';

const VALID = mintToken();

describe('requireCustomer in Express', () => {
  let server: Server;
  let hits = 0;

  async function start(verifier: Verifier = testVerifier()): Promise<string> {
    hits = 0;
    const app = express();
    app.use((req, res, next) => {
      res.setHeader('Access-Control-Allow-Origin', 'http://localhost:3000');
      if (req.method === 'OPTIONS') res.setHeader('Access-Control-Allow-Headers', 'Authorization');
      next();
    });
    app.get('/public', (_req, res) => res.json({ ok: true }));
    app.use('/api', requireCustomer(verifier));
    app.options('/api/points', (_req, res) => res.sendStatus(204));
    app.get('/api/points', (req: Request & { customer?: VerifiedCustomer }, res) => {
      hits += 1;
      res.json({ customerId: req.customer?.customerId, storeHash: req.customer?.storeHash });
    });
    // Express recognises an error handler by its four parameters.
    // eslint-disable-next-line @typescript-eslint/no-unused-vars
    const onError: ErrorRequestHandler = (error: Error, _req, res, _next) => {
      res.status(500).json({ handledBy: 'express', message: error.message });
    };
    app.use(onError);
    const started = await listen(app);
    server = started.server;
    return started.origin;
  }

  afterEach(async () => {
    await close(server);
  });

  it('sets req.customer for the route handler', async () => {
    const origin = await start();
    const response = await fetch(`${origin}/api/points`, {
      headers: { Authorization: `Bearer ${VALID}` },
    });
    expect(await response.json()).toStrictEqual({ customerId: 42, storeHash: 'abc123' });
    expect(hits).toBe(1);
  });

  it('refuses another store’s token before the handler runs', async () => {
    const origin = await start();
    const foreign = mintToken({ claims: realClaims({ store_hash: 'evil99', sub: 'evil99' }) });
    const response = await fetch(`${origin}/api/points`, {
      headers: { Authorization: `Bearer ${foreign}` },
    });
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe(
      'Bearer realm="api", error="invalid_token"',
    );
    expect(await response.json()).toStrictEqual({
      error: 'invalid_token',
      code: 'STORE_NOT_ALLOWED',
    });
    expect(hits).toBe(0);
  });

  it('passes CORS preflights on to the next handler', async () => {
    const origin = await start();
    const response = await fetch(`${origin}/api/points`, {
      method: 'OPTIONS',
      headers: { Origin: 'http://localhost:3000', 'Access-Control-Request-Method': 'GET' },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-headers')).toBe('Authorization');
  });

  it('leaves unprotected routes alone', async () => {
    const origin = await start();
    expect((await fetch(`${origin}/public`)).status).toBe(200);
  });

  it('hands a verifier failure to the Express error handler', async () => {
    const origin = await start({ verify: () => Promise.reject(new Error('database down')) });
    const response = await fetch(`${origin}/api/points`, {
      headers: { Authorization: `Bearer ${VALID}` },
    });
    expect(response.status).toBe(500);
    expect(await response.json()).toStrictEqual({ handledBy: 'express', message: 'database down' });
  });

  it('hands a verifier that resolves to null to the error handler, never to the route', async () => {
    const origin = await start({ verify: () => Promise.resolve(null as never) });
    const response = await fetch(`${origin}/api/points`, {
      headers: { Authorization: `Bearer ${VALID}` },
    });
    expect(response.status).toBe(500);
    expect(await response.json()).toStrictEqual({
      handledBy: 'express',
      message: 'bc-customer-auth: verify() resolved to nothing',
    });
    expect(hits).toBe(0);
  });
});
