import { describe, expect, expectTypeOf, it, vi } from 'vitest';
import {
  InvalidRequestError,
  TokenClaimError,
  TokenVerificationError,
  isTokenVerificationError,
} from '../../src/server/index.js';

describe('errors', () => {
  it('give every class a literal name, a stable code and the message prefix', () => {
    const cause = new Error('inner');
    const base = new TokenVerificationError('BAD_SIGNATURE', 'token signature does not match', {
      cause,
    });
    expect(base).toMatchObject({ name: 'TokenVerificationError', code: 'BAD_SIGNATURE', cause });
    expect(base.message).toBe('bc-customer-auth: token signature does not match');
    const claim = new TokenClaimError('EXPIRED', 'exp', 'has passed');
    expect(claim).toBeInstanceOf(TokenVerificationError);
    expect(claim).toMatchObject({
      name: 'TokenClaimError',
      code: 'EXPIRED',
      claim: 'exp',
      reason: '"exp" claim has passed',
    });
    const request = new InvalidRequestError('Authorization header is repeated');
    expect(request).toBeInstanceOf(TokenVerificationError);
    expect(request).toMatchObject({ name: 'InvalidRequestError', code: 'INVALID_REQUEST' });
    // The subclasses' names are literal types too, so TypeScript narrows on them.
    expectTypeOf<typeof claim.name>().toEqualTypeOf<'TokenClaimError'>();
    expectTypeOf<typeof request.name>().toEqualTypeOf<'InvalidRequestError'>();
    expect(Object.hasOwn(base, 'cause')).toBe(true);
    expect(Object.hasOwn(claim, 'cause')).toBe(false);
  });

  it('recognises errors, optionally by code', () => {
    const error = new TokenClaimError('STORE_NOT_ALLOWED', 'store_hash', 'x');
    expect(isTokenVerificationError(error)).toBe(true);
    expect(isTokenVerificationError(error, 'STORE_NOT_ALLOWED')).toBe(true);
    expect(isTokenVerificationError(error, 'EXPIRED')).toBe(false);
    for (const value of [
      new Error('x'),
      { code: 'EXPIRED', name: 'TokenVerificationError' },
      null,
      'EXPIRED',
      undefined,
    ]) {
      expect(isTokenVerificationError(value)).toBe(false);
    }
  });

  // Checked by the type-checker (`npm run check`): before narrowing by code, `error.claim` did not
  // compile after the guard.
  it('narrows a guarded error to the class of its code', () => {
    const errors: unknown[] = [
      new TokenClaimError('CLAIM_INVALID', 'iss', 'is not "bc/apps"'),
      new TokenClaimError('EXPIRED', 'exp', 'has passed'),
      new InvalidRequestError('Authorization header is repeated'),
    ];
    const seen: unknown[] = [];
    for (const error of errors) {
      if (isTokenVerificationError(error, 'CLAIM_INVALID')) seen.push(error.claim);
      if (isTokenVerificationError(error, 'EXPIRED')) {
        expectTypeOf(error.code).toEqualTypeOf<'EXPIRED'>();
        seen.push(error.claim);
      }
      if (isTokenVerificationError(error, 'INVALID_REQUEST')) {
        expectTypeOf(error).toEqualTypeOf<InvalidRequestError>();
        seen.push(error.code);
      }
      if (isTokenVerificationError(error)) expectTypeOf(error).toExtend<TokenVerificationError>();
    }
    expect(seen).toEqual(['iss', 'exp', 'INVALID_REQUEST']);
  });

  it('recognises errors thrown by another copy of the module (another bundle)', async () => {
    vi.resetModules();
    const copy = await import('../../src/server/errors.js');
    const foreign: unknown = new copy.TokenClaimError('EXPIRED', 'exp', 'has passed');
    expect(foreign).not.toBeInstanceOf(TokenVerificationError);
    expect(isTokenVerificationError(foreign, 'EXPIRED')).toBe(true);
  });
});
