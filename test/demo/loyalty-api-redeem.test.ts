import { describe, expect, it } from 'vitest';
import {
  SHOPPER_1,
  bearer,
  readBalance,
  signToken,
  useSignedInDemo,
} from './support/demo-harness.js';

const ctx = useSignedInDemo();

const balance = (token: string) => readBalance(ctx.api, token);

function redeem(token: string, body: string, contentType = 'application/json'): Promise<Response> {
  return fetch(`${ctx.api}/points/redeem`, {
    method: 'POST',
    headers: { ...bearer(token), 'content-type': contentType },
    body,
  });
}

describe('POST /points/redeem', () => {
  it('spends from the caller only and answers the new balance', async () => {
    const before1 = await balance(ctx.token1);
    const before2 = await balance(ctx.token2);
    const response = await redeem(ctx.token1, JSON.stringify({ points: 100 }));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      storeHash: 'abc123',
      customerId: 1,
      email: SHOPPER_1.email,
      points: before1 - 100,
      redeemed: 100,
    });
    expect(await balance(ctx.token1)).toBe(before1 - 100);
    expect(await balance(ctx.token2)).toBe(before2);
  });

  it("ignores another customer's id in the body and the query", async () => {
    const before2 = await balance(ctx.token2);
    const response = await fetch(`${ctx.api}/points/redeem?customerId=2`, {
      method: 'POST',
      headers: { ...bearer(ctx.token1), 'content-type': 'application/json' },
      body: JSON.stringify({ points: 10, customerId: 2, customer: { id: 2 }, storeHash: 'evil99' }),
    });
    expect(await response.json()).toMatchObject({
      customerId: 1,
      storeHash: 'abc123',
      redeemed: 10,
    });
    expect(await balance(ctx.token2)).toBe(before2);
  });

  it.each([
    ['not JSON', '{points: 5', /not valid JSON/],
    ['empty', '', /not valid JSON/],
    ['an array', '[5]', /must be a JSON object/],
    ['null', 'null', /must be a JSON object/],
    ['missing points', '{}', /"points" is missing/],
    ['a string', '{"points":"5"}', /"points" must be a number, not string/],
    ['null points', '{"points":null}', /"points" must be a number, not null/],
    ['zero', '{"points":0}', /positive whole number/],
    ['negative', '{"points":-5}', /positive whole number/],
    ['a fraction', '{"points":1.5}', /positive whole number/],
    ['unsafe', '{"points":9007199254740993}', /positive whole number/],
  ])('answers 400 with a clear message when the body is %s', async (_, body, message) => {
    const before = await balance(ctx.token1);
    const response = await redeem(ctx.token1, body);
    expect(response.status).toBe(400);
    const answer = (await response.json()) as { error: string; message: string };
    expect(answer.error).toBe('invalid_body');
    expect(answer.message).toMatch(message);
    expect(answer.message).toContain('expected {"points": <a positive whole number>}');
    expect(await balance(ctx.token1)).toBe(before);
  });

  it('answers 415 for a body that is not declared JSON', async () => {
    const response = await redeem(ctx.token1, '{"points":5}', 'text/plain');
    expect(response.status).toBe(415);
    expect(await response.json()).toMatchObject({ error: 'unsupported_media_type' });
  });

  it('reads the media type case-insensitively, parameters and all', async () => {
    const before = await balance(ctx.token1);
    const response = await redeem(ctx.token1, '{"points":2}', 'Application/JSON; Charset=UTF-8');
    expect(response.status).toBe(200);
    expect(await balance(ctx.token1)).toBe(before - 2);
  });

  it('answers 413 for a body over 1 KiB', async () => {
    const response = await redeem(ctx.token1, JSON.stringify({ points: 1, pad: 'x'.repeat(2000) }));
    expect(response.status).toBe(413);
    expect(await response.json()).toEqual({
      error: 'body_too_large',
      message: 'request body is larger than 1024 bytes',
    });
  });

  it('refuses to overspend with 409, the balance in the answer, and nothing lost', async () => {
    const before = await balance(ctx.token2);
    const response = await redeem(ctx.token2, JSON.stringify({ points: before + 1 }));
    expect(response.status).toBe(409);
    expect(await response.json()).toEqual({
      error: 'insufficient_points',
      message: `cannot redeem ${before + 1} points: the balance is ${before}`,
      points: before,
    });
    expect(await balance(ctx.token2)).toBe(before);
  });

  it('spends the whole balance, and not a point more', async () => {
    const token3 = await signToken({ customerId: 3 });
    const all = await redeem(token3, JSON.stringify({ points: 40 }));
    expect(await all.json()).toMatchObject({ customerId: 3, points: 0, redeemed: 40 });
    expect((await redeem(token3, JSON.stringify({ points: 1 }))).status).toBe(409);
    expect(await balance(token3)).toBe(0);
  });

  it('refuses a redeem without a valid token before reading the body', async () => {
    const forged = await signToken({ secret: 'guess' });
    const before = await balance(ctx.token1);
    expect((await redeem(forged, '{"points":1}')).status).toBe(401);
    expect(await balance(ctx.token1)).toBe(before);
  });
});

describe('POST /points/redeem: limits and headers', () => {
  it('answers 415 to a redeem without any Content-Type, and spends nothing', async () => {
    const before = await balance(ctx.token1);
    // A Uint8Array body makes fetch send no Content-Type at all.
    const response = await fetch(`${ctx.api}/points/redeem`, {
      method: 'POST',
      headers: bearer(ctx.token1),
      body: new TextEncoder().encode('{"points":1}'),
    });
    expect(response.status).toBe(415);
    expect(await balance(ctx.token1)).toBe(before);
  });

  it('marks a successful redeem no-store, like every other per-shopper answer', async () => {
    const response = await redeem(ctx.token1, JSON.stringify({ points: 1 }));
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
  });

  it('accepts a body of exactly 1024 bytes (the limit is "over 1 KiB")', async () => {
    const base = JSON.stringify({ points: 1, pad: '' });
    const body = JSON.stringify({ points: 1, pad: 'x'.repeat(1024 - base.length) });
    expect(Buffer.byteLength(body)).toBe(1024);
    expect((await redeem(ctx.token1, body)).status).toBe(200);
  });
});
