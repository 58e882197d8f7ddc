import { describe, expect, it } from 'vitest';
import { TokenClaimError } from '../../src/server/index.js';
import {
  NOW,
  claimsWithout,
  mintToken,
  realClaims,
  settle,
  testVerifier,
} from './helpers/tokens.js';

const TOLERANCE = 30;

function tokenAt(iat: number, exp: number): string {
  return mintToken({ claims: realClaims({ iat, exp }) });
}

async function codeOf(token: string, overrides = {}): Promise<string | undefined> {
  const { error } = await settle(testVerifier(overrides).verify(token));
  if (error === undefined) return undefined;
  expect(error).toBeInstanceOf(TokenClaimError);
  return (error as TokenClaimError).code;
}

describe('time claims with an injected clock (tolerance 30 s)', () => {
  it.each([
    ['exp = now + 1', NOW + 1 - 900, NOW + 1, undefined],
    ['exp = now', NOW - 900, NOW, undefined],
    ['exp = now − tolerance + 1', NOW - TOLERANCE + 1 - 900, NOW - TOLERANCE + 1, undefined],
    ['exp = now − tolerance', NOW - TOLERANCE - 900, NOW - TOLERANCE, 'EXPIRED'],
    ['exp = now − tolerance − 1', NOW - TOLERANCE - 1 - 900, NOW - TOLERANCE - 1, 'EXPIRED'],
    ['iat = now + tolerance', NOW + TOLERANCE, NOW + TOLERANCE + 900, undefined],
    ['iat = now + tolerance + 1', NOW + TOLERANCE + 1, NOW + TOLERANCE + 901, 'ISSUED_IN_FUTURE'],
    ['lifetime 900', NOW - 100, NOW + 800, undefined],
    ['lifetime 901', NOW - 100, NOW + 801, 'CLAIM_INVALID'],
    ['lifetime 1', NOW - 1, NOW, undefined],
    ['lifetime 0', NOW, NOW, 'CLAIM_INVALID'],
  ])('%s → %s', async (_name, iat, exp, expected) => {
    expect(await codeOf(tokenAt(iat, exp))).toBe(expected);
  });

  it('honours clockToleranceSeconds: 0', async () => {
    expect(await codeOf(tokenAt(NOW - 899, NOW + 1), { clockToleranceSeconds: 0 })).toBeUndefined();
    expect(await codeOf(tokenAt(NOW - 900, NOW), { clockToleranceSeconds: 0 })).toBe('EXPIRED');
    expect(await codeOf(tokenAt(NOW + 1, NOW + 901), { clockToleranceSeconds: 0 })).toBe(
      'ISSUED_IN_FUTURE',
    );
  });

  it('honours maxLifetimeSeconds', async () => {
    expect(
      await codeOf(tokenAt(NOW - 100, NOW + 200), { maxLifetimeSeconds: 300 }),
    ).toBeUndefined();
    expect(await codeOf(tokenAt(NOW - 100, NOW + 201), { maxLifetimeSeconds: 300 })).toBe(
      'CLAIM_INVALID',
    );
  });

  it('refuses tokens within minRemainingSeconds of expiry (cached authorizer results)', async () => {
    const options = { minRemainingSeconds: 300 };
    // accepted while exp − now ≥ 300 + 30 (this clock may run 30 s behind)
    expect(await codeOf(tokenAt(NOW - 570, NOW + 330), options)).toBeUndefined();
    const { error } = await settle(testVerifier(options).verify(tokenAt(NOW - 571, NOW + 329)));
    expect(error).toBeInstanceOf(TokenClaimError);
    expect(error).toMatchObject({
      code: 'EXPIRED',
      claim: 'exp',
      reason: '"exp" claim is within minRemainingSeconds',
    });
  });

  it('measures minRemainingSeconds to the millisecond, never rounding the clock down', async () => {
    // Documented: accepted only while exp − now ≥ minRemainingSeconds + clockToleranceSeconds.
    const options = { clockToleranceSeconds: 0, minRemainingSeconds: 60 };
    const token = tokenAt(NOW - 840, NOW + 60);
    expect(await codeOf(token, { ...options, now: () => NOW * 1000 })).toBeUndefined();
    // 59.5 s left: a result cached for 60 s would outlive the token by half a second.
    expect(await codeOf(token, { ...options, now: () => NOW * 1000 + 500 })).toBe('EXPIRED');
  });

  it.each([
    ['exp = now + 0.001 s', NOW - 899, NOW + 1, (NOW + 1) * 1000 - 1, undefined],
    ['exp = now', NOW - 899, NOW + 1, (NOW + 1) * 1000, 'EXPIRED'],
    ['iat = now + 0.001 s', NOW + 1, NOW + 901, (NOW + 1) * 1000 - 1, 'ISSUED_IN_FUTURE'],
    ['iat = now', NOW + 1, NOW + 901, (NOW + 1) * 1000, undefined],
  ])(
    'reads a clock between whole seconds exactly (tolerance 0): %s → %s',
    async (_n, iat, exp, ms, code) => {
      expect(await codeOf(tokenAt(iat, exp), { clockToleranceSeconds: 0, now: () => ms })).toBe(
        code,
      );
    },
  );

  it('keeps plain expiry lenient by the tolerance when minRemainingSeconds is 0', async () => {
    expect(await codeOf(tokenAt(NOW - 929, NOW - 29))).toBeUndefined();
    expect(await codeOf(tokenAt(NOW - 930, NOW - 30))).toBe('EXPIRED');
  });

  it.each([
    ['nbf = iat', 'accepted', NOW - 60],
    ['nbf = now + tolerance', 'accepted', NOW + TOLERANCE],
    ['nbf = now + tolerance + 1', 'ISSUED_IN_FUTURE', NOW + TOLERANCE + 1],
    ['nbf a string', 'CLAIM_INVALID', String(NOW - 60)],
    ['nbf a float', 'CLAIM_INVALID', NOW - 59.5],
    ['nbf null', 'CLAIM_INVALID', null],
  ])('an optional nbf is honoured like iat: %s → %s', async (_name, expected, nbf) => {
    const token = mintToken({ claims: realClaims({ iat: NOW - 60, exp: NOW + 840, nbf }) });
    const { error } = await settle(testVerifier().verify(token));
    if (expected === 'accepted') {
      expect(error).toBeUndefined();
    } else {
      expect(error).toBeInstanceOf(TokenClaimError);
      expect(error).toMatchObject({ code: expected, claim: 'nbf' });
    }
  });

  it('reads the clock on every call', async () => {
    let nowMs = NOW * 1000;
    const verifier = testVerifier({ now: () => nowMs });
    const token = tokenAt(NOW - 60, NOW + 840);
    await expect(verifier.verify(token)).resolves.toBeDefined();
    nowMs = (NOW + 870) * 1000;
    await expect(verifier.verify(token)).rejects.toMatchObject({ code: 'EXPIRED' });
  });
});

describe('claims: edges', () => {
  it('refuses a token without sub (sub must equal store_hash, not merely not differ)', async () => {
    const { error } = await settle(
      testVerifier().verify(mintToken({ claims: claimsWithout('sub') })),
    );
    expect(error).toBeInstanceOf(TokenClaimError);
    expect(error).toMatchObject({ code: 'CLAIM_INVALID', claim: 'sub' });
  });

  it('takes store hashes of up to 64 characters, in the claims and in storeHashes', async () => {
    const at64 = 'a'.repeat(64);
    const at65 = 'a'.repeat(65);
    const claims64 = realClaims({ store_hash: at64, sub: at64 });
    await expect(
      testVerifier({ storeHashes: null }).verify(mintToken({ claims: claims64 })),
    ).resolves.toMatchObject({ storeHash: at64 });
    const claims65 = realClaims({ store_hash: at65, sub: at65 });
    await expect(
      testVerifier({ storeHashes: null }).verify(mintToken({ claims: claims65 })),
    ).rejects.toMatchObject({ code: 'CLAIM_INVALID', claim: 'store_hash' });
    expect(() => testVerifier({ storeHashes: [at65] })).toThrow(TypeError);
  });

  it('takes a group_id string of up to 20 digits', async () => {
    const verify = (groupId: string) =>
      testVerifier().verify(
        mintToken({
          claims: realClaims({ customer: { id: 7, email: 'x@y.z', group_id: groupId } }),
        }),
      );
    await expect(verify('9'.repeat(20))).resolves.toMatchObject({ groupId: '9'.repeat(20) });
    await expect(verify('1'.repeat(21))).rejects.toMatchObject({
      code: 'CLAIM_INVALID',
      claim: 'customer.group_id',
    });
  });

  it('applies minRemainingSeconds: 1 (the smallest non-zero setting)', async () => {
    // tolerance 0: accepted only while exp − now ≥ 1.
    const token = mintToken({ claims: realClaims({ iat: NOW - 899, exp: NOW + 1 }) });
    const options = { clockToleranceSeconds: 0, minRemainingSeconds: 1 };
    await expect(
      testVerifier({ ...options, now: () => NOW * 1000 }).verify(token),
    ).resolves.toMatchObject({ customerId: 42 });
    await expect(
      testVerifier({ ...options, now: () => NOW * 1000 + 500 }).verify(token),
    ).rejects.toMatchObject({ code: 'EXPIRED', claim: 'exp' });
  });
});
