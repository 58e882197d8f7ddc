import { describe, expect, it } from 'vitest';
import { createPointsLedger } from '../../demo/loyalty-api/points-ledger.js';
import {
  SHOPPER_1,
  SHOPPER_2,
  bearer,
  readBalance,
  signToken,
  useSignedInDemo,
} from './support/demo-harness.js';

const ctx = useSignedInDemo();

const balance = (token: string) => readBalance(ctx.api, token);

describe('GET /points', () => {
  it("answers the caller's own balance, identity from the token", async () => {
    const response = await fetch(`${ctx.api}/points`, { headers: bearer(ctx.token1) });
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(await response.json()).toEqual({
      storeHash: 'abc123',
      customerId: 1,
      email: SHOPPER_1.email,
      points: await balance(ctx.token1),
    });
    expect(
      await fetch(`${ctx.api}/points`, { headers: bearer(ctx.token2) }).then((r) => r.json()),
    ).toMatchObject({
      customerId: 2,
      email: SHOPPER_2.email,
    });
  });

  it('ignores customer ids in the query', async () => {
    const response = await fetch(`${ctx.api}/points?customerId=2&customer_id=2&id=2`, {
      headers: bearer(ctx.token1),
    });
    expect(await response.json()).toMatchObject({ customerId: 1, email: SHOPPER_1.email });
  });

  it('answers 401 with a Bearer challenge when no token is sent', async () => {
    const response = await fetch(`${ctx.api}/points`);
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe('Bearer realm="api"');
  });

  it('refuses a forged token (wrong secret) with 401 invalid_token BAD_SIGNATURE', async () => {
    const forged = await signToken({ customerId: 2, secret: 'not-the-client-secret' });
    const response = await fetch(`${ctx.api}/points`, { headers: bearer(forged) });
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toContain('error="invalid_token"');
    expect(await response.json()).toEqual({ error: 'invalid_token', code: 'BAD_SIGNATURE' });
  });

  it('refuses a token from another store, validly signed, with 401 STORE_NOT_ALLOWED', async () => {
    const foreign = await signToken({ customerId: 1, storeHash: 'evil99' });
    const response = await fetch(`${ctx.api}/points`, { headers: bearer(foreign) });
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ error: 'invalid_token', code: 'STORE_NOT_ALLOWED' });
  });

  it('refuses an expired token with 401 EXPIRED', async () => {
    const expired = await signToken({ issuedAgoSeconds: 2000 });
    const response = await fetch(`${ctx.api}/points`, { headers: bearer(expired) });
    expect(await response.json()).toEqual({ error: 'invalid_token', code: 'EXPIRED' });
  });

  it('does not read a token from the query of an HTTP request', async () => {
    const response = await fetch(`${ctx.api}/points?token=${ctx.token1}`);
    expect(response.status).toBe(401);
  });

  it('answers 404 for unknown paths and 405 for the wrong method', async () => {
    for (const path of ['/nope', '/points/', '/points/redeem/', '/Points']) {
      const response = await fetch(`${ctx.api}${path}`, { headers: bearer(ctx.token1) });
      expect(response.status, path).toBe(404);
    }
    const wrong = await fetch(`${ctx.api}/points`, {
      method: 'DELETE',
      headers: bearer(ctx.token1),
    });
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get('allow')).toBe('GET');
  });
});

describe('request records', () => {
  it('keeps method, path, query and the Authorization header as received', async () => {
    const before = ctx.demo.api.requests.length;
    await fetch(`${ctx.api}/points?customerId=2`, { headers: bearer(ctx.token1) });
    expect(ctx.demo.api.requests.slice(before)).toMatchObject([
      {
        method: 'GET',
        url: '/points?customerId=2',
        path: '/points',
        authorization: `Bearer ${ctx.token1}`,
        status: 200,
        upgrade: false,
      },
    ]);
  });
});

describe('GET /points: headers', () => {
  it('sends X-Content-Type-Options: nosniff with its JSON', async () => {
    const response = await fetch(`${ctx.api}/points`, { headers: bearer(ctx.token1) });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
  });
});

describe('points ledger', () => {
  it('keeps (storeHash, customerId) pairs apart even when their concatenations collide', () => {
    const ledger = createPointsLedger([
      { storeHash: 'abc1', customerId: 23, points: 100 },
      { storeHash: 'abc12', customerId: 3, points: 5 },
    ]);
    expect(ledger.getPoints('abc1', 23)).toBe(100);
    expect(ledger.getPoints('abc12', 3)).toBe(5);
    expect(ledger.redeem('abc12', 3, 50)).toEqual({ ok: false, points: 5 });
  });
});
