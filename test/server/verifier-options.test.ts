import { describe, expect, it } from 'vitest';
import { createVerifier, type VerifierOptions } from '../../src/server/index.js';
import { CLIENT_ID, CLIENT_SECRET, STORE_HASH } from './helpers/tokens.js';

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
    ['maxLifetimeSeconds', { maxLifetimeSeconds: 0 }],
    ['maxLifetimeSeconds', { maxLifetimeSeconds: Number.POSITIVE_INFINITY }],
    ['minRemainingSeconds', { minRemainingSeconds: -5 }],
    ['minRemainingSeconds', { minRemainingSeconds: 900 }],
    ['now', { now: 1_700_000_000_000 }],
  ])('throws a TypeError naming %s for %o', (name, overrides) => {
    expect(() => create(overrides)).toThrow(TypeError);
    expect(() => create(overrides)).toThrow(
      new RegExp(`^bc-customer-auth: createVerifier option "${name}"`),
    );
  });

  it('requires an options object', () => {
    expect(() => createVerifier(undefined as unknown as VerifierOptions)).toThrow(TypeError);
  });

  it('explains the explicit opt-out when storeHashes is missing', () => {
    expect(() => create({ storeHashes: undefined })).toThrow(/pass null to accept any store/);
  });

  it('accepts storeHashes: null as the explicit opt-out, and the defaults', () => {
    expect(create({ storeHashes: null })).toHaveProperty('verify');
    expect(create({ clockToleranceSeconds: 0, minRemainingSeconds: 300 })).toHaveProperty('verify');
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
