import { afterEach, describe, expect, it, vi } from 'vitest';
import { TokenClaimError, createVerifier, type VerifierOptions } from '../../src/server/index.js';
import {
  CLIENT_ID,
  CLIENT_SECRET,
  NOW,
  STORE_HASH,
  mintToken,
  realClaims,
  settle,
} from './helpers/tokens.js';

const base = { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, storeHashes: [STORE_HASH] };

function create(overrides: Record<string, unknown>): unknown {
  return createVerifier({ ...base, ...overrides } as unknown as VerifierOptions);
}

describe('createVerifier options', () => {
  it.each([
    ['clientId', { clientId: undefined }],
    ['clientId', { clientId: '' }],
    ['clientId', { clientId: ` ${CLIENT_ID}` }],
    ['clientId', { clientId: 42 }],
    ['clientSecret', { clientSecret: undefined }],
    ['clientSecret', { clientSecret: `${CLIENT_SECRET}\n` }],
    ['storeHashes', { storeHashes: undefined }],
    ['storeHashes', { storeHashes: [] }],
    ['storeHashes', { storeHashes: 'abc123' }],
    ['storeHashes', { storeHashes: ['stores/abc123'] }],
    ['storeHashes', { storeHashes: [''] }],
    ['clockToleranceSeconds', { clockToleranceSeconds: -1 }],
    ['clockToleranceSeconds', { clockToleranceSeconds: 1.5 }],
    ['clockToleranceSeconds', { clockToleranceSeconds: '30' }],
    ['clockToleranceSeconds', { clockToleranceSeconds: 900 }],
    ['clockToleranceSeconds', { clockToleranceSeconds: 1_000_000_000 }],
    ['clockToleranceSeconds', { clockToleranceSeconds: 60, maxLifetimeSeconds: 60 }],
    ['maxLifetimeSeconds', { maxLifetimeSeconds: 0 }],
    ['maxLifetimeSeconds', { maxLifetimeSeconds: 30 }],
    ['maxLifetimeSeconds', { maxLifetimeSeconds: Number.POSITIVE_INFINITY }],
    ['minRemainingSeconds', { minRemainingSeconds: -5 }],
    ['minRemainingSeconds', { minRemainingSeconds: -1 }],
    ['minRemainingSeconds', { minRemainingSeconds: 900 }],
    ['minRemainingSeconds', { minRemainingSeconds: 870 }],
    ['minRemainingSeconds', { minRemainingSeconds: 60, maxLifetimeSeconds: 90 }],
    ['now', { now: 1_700_000_000_000 }],
    ['now', { now: null }],
  ])('throws a TypeError naming %s for %o', (name, overrides) => {
    expect(() => create(overrides)).toThrow(TypeError);
    expect(() => create(overrides)).toThrow(
      new RegExp(`^bc-customer-auth: createVerifier option "${name}"`),
    );
  });

  it.each([null, undefined, 'options'])(
    'throws its own TypeError for %o as the options',
    (value) => {
      expect(() => createVerifier(value as never)).toThrow(
        new TypeError('bc-customer-auth: createVerifier needs an options object'),
      );
    },
  );

  it.each([
    [
      { maxLifetimeSeconds: 30 },
      '"maxLifetimeSeconds" is too small: minRemainingSeconds + clockToleranceSeconds (30) ' +
        'must be less than maxLifetimeSeconds (30)',
    ],
    [
      { clockToleranceSeconds: 60, maxLifetimeSeconds: 60 },
      '"clockToleranceSeconds" is too large: minRemainingSeconds + clockToleranceSeconds (60) ' +
        'must be less than maxLifetimeSeconds (60)',
    ],
    [
      { minRemainingSeconds: 60, maxLifetimeSeconds: 90 },
      '"minRemainingSeconds" is too large: minRemainingSeconds + clockToleranceSeconds (90) ' +
        'must be less than maxLifetimeSeconds (90)',
    ],
  ])(
    'names an option the caller set when the margins reach the lifetime: %o',
    (overrides, message) => {
      expect(() => create(overrides)).toThrow('bc-customer-auth: createVerifier option ' + message);
    },
  );

  it('requires an options object', () => {
    expect(() => createVerifier(undefined as unknown as VerifierOptions)).toThrow(TypeError);
  });

  it('explains the explicit opt-out when storeHashes is missing', () => {
    expect(() => create({ storeHashes: undefined })).toThrow(/pass null to accept any store/);
  });

  it('accepts storeHashes: null as the explicit opt-out, and the defaults', () => {
    expect(create({ storeHashes: null })).toHaveProperty('verify');
    expect(create({ clockToleranceSeconds: 0, minRemainingSeconds: 300 })).toHaveProperty('verify');
    expect(create({ minRemainingSeconds: 869 })).toHaveProperty('verify');
    expect(create({ clockToleranceSeconds: 899 })).toHaveProperty('verify');
  });

  describe('with every optional option set to undefined', () => {
    afterEach(() => {
      vi.useRealTimers();
    });

    it('applies the defaults: 30 s tolerance, 900 s lifetime, no minimum, Date.now', async () => {
      vi.useFakeTimers({ now: NOW * 1000, toFake: ['Date'] });
      const options: VerifierOptions = {
        ...base,
        clockToleranceSeconds: undefined,
        maxLifetimeSeconds: undefined,
        minRemainingSeconds: undefined,
        now: undefined,
      };
      const { verify } = createVerifier(options);
      const token = (iat: number, exp: number) => mintToken({ claims: realClaims({ iat, exp }) });

      await expect(verify(token(NOW - 900, NOW - 29))).resolves.toMatchObject({ customerId: 42 });
      const expired = await settle(verify(token(NOW - 900, NOW - 30)));
      expect(expired.error).toBeInstanceOf(TokenClaimError);
      expect(expired.error).toMatchObject({ code: 'EXPIRED' });
      await expect(verify(token(NOW - 60, NOW + 840))).resolves.toMatchObject({ customerId: 42 });
      const tooLong = await settle(verify(token(NOW - 60, NOW + 841)));
      expect(tooLong.error).toBeInstanceOf(TokenClaimError);
      expect(tooLong.error).toMatchObject({ code: 'CLAIM_INVALID', claim: 'exp' });
    });
  });

  it('refuses an option it does not know (such as jose’s clockTolerance), listing its own', () => {
    expect(() => create({ clockTolerance: 0 })).toThrow(TypeError);
    expect(() => create({ clockTolerance: 0 })).toThrow(
      'bc-customer-auth: createVerifier has no option "clockTolerance" (its options: clientId, ' +
        'clientSecret, storeHashes, clockToleranceSeconds, maxLifetimeSeconds, minRemainingSeconds, now)',
    );
  });

  it('reads Date.now when verifying, so fake timers set after creation apply', async () => {
    const { verify } = createVerifier(base);
    try {
      vi.useFakeTimers({ now: (NOW + 3600) * 1000, toFake: ['Date'] });
      const late = mintToken({ claims: realClaims({ iat: NOW + 3540, exp: NOW + 4440 }) });
      await expect(verify(late)).resolves.toMatchObject({ customerId: 42 });
      await expect(verify(mintToken())).rejects.toMatchObject({ code: 'EXPIRED' });
    } finally {
      vi.useRealTimers();
    }
  });

  it('never puts the secret in an error message', () => {
    try {
      create({ clientSecret: ` ${CLIENT_SECRET}` });
    } catch (error) {
      expect((error as Error).message).not.toContain(CLIENT_SECRET);
    }
    expect.assertions(1);
  });
});

describe('createVerifier options: edges', () => {
  it('names maxLifetimeSeconds for maxLifetimeSeconds: 0, even with clockToleranceSeconds: 0', () => {
    expect(() => create({ maxLifetimeSeconds: 0, clockToleranceSeconds: 0 })).toThrow(
      /option "maxLifetimeSeconds" must be an integer number of seconds, at least 1/,
    );
  });
});
