import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  CustomerAuthError,
  type CustomerAuthErrorCode,
  InvalidTokenError,
  NotSignedInError,
  OriginNotAllowedError,
  TokenRequestError,
  UnauthorizedError,
  isCustomerAuthError,
} from '../../src/browser/index.js';

describe('errors', () => {
  it.each([
    [
      new NotSignedInError(),
      'NotSignedInError',
      'NOT_SIGNED_IN',
      'bc-customer-auth: not signed in',
    ],
    [
      new TokenRequestError(503),
      'TokenRequestError',
      'TOKEN_REQUEST_FAILED',
      'bc-customer-auth: token request failed: 503',
    ],
    [
      new TokenRequestError(0),
      'TokenRequestError',
      'TOKEN_REQUEST_FAILED',
      'bc-customer-auth: token request failed: 0',
    ],
    [
      new InvalidTokenError('aud'),
      'InvalidTokenError',
      'INVALID_TOKEN',
      'bc-customer-auth: invalid token: aud',
    ],
    [
      new OriginNotAllowedError('https://evil.test'),
      'OriginNotAllowedError',
      'ORIGIN_NOT_ALLOWED',
      'bc-customer-auth: origin not allowed: https://evil.test',
    ],
    [
      new UnauthorizedError(new Response(null, { status: 401 })),
      'UnauthorizedError',
      'UNAUTHORIZED',
      'bc-customer-auth: unauthorized: 401',
    ],
    [
      new CustomerAuthError('NOT_CONFIGURED', 'call configure() first'),
      'CustomerAuthError',
      'NOT_CONFIGURED',
      'bc-customer-auth: not configured: call configure() first',
    ],
    [
      new CustomerAuthError('DESTROYED'),
      'CustomerAuthError',
      'DESTROYED',
      'bc-customer-auth: destroyed',
    ],
  ] as [CustomerAuthError, string, CustomerAuthErrorCode, string][])(
    '%s has a literal name, a stable code and a prefixed message',
    (error, name, code, message) => {
      expect(error).toBeInstanceOf(CustomerAuthError);
      expect(error).toBeInstanceOf(Error);
      expect(error.name).toBe(name);
      expect(error.code).toBe(code);
      expect(error.message).toBe(message);
      expect(isCustomerAuthError(error)).toBe(true);
      expect(isCustomerAuthError(error, code)).toBe(true);
      expect(isCustomerAuthError(error, 'UNSUPPORTED_ENVIRONMENT')).toBe(false);
    },
  );

  it('carries cause and context fields', () => {
    const cause = new TypeError('Failed to fetch');
    const response = new Response(null, { status: 401 });
    expect(new TokenRequestError(0, cause)).toMatchObject({ status: 0, cause });
    expect(new InvalidTokenError('not a JWT', cause).cause).toBe(cause);
    expect(new OriginNotAllowedError('https://evil.test').origin).toBe('https://evil.test');
    expect(new UnauthorizedError(response).response).toBe(response);
  });

  // The `@ts-expect-error` lines are checked by the type-checker (`npm run check`).
  it('keeps the code it was given, and refuses an Error given as its context', () => {
    const cause = new Error('offline');
    const built = new CustomerAuthError('INVALID_TOKEN', 'x', { cause, status: 0 });
    expect(built).toMatchObject({ code: 'INVALID_TOKEN', cause, status: 0 });
    // @ts-expect-error -- `code` is not a context field
    const recoded = new CustomerAuthError('INVALID_TOKEN', 'x', { code: 'DESTROYED' });
    expect(recoded.code).toBe('INVALID_TOKEN');
    expect(isCustomerAuthError(recoded, 'DESTROYED')).toBe(false);
    // @ts-expect-error -- the cause goes in `{ cause }`
    expect(new CustomerAuthError('INVALID_TOKEN', 'x', cause).code).toBe('INVALID_TOKEN');
  });

  // Checked by the type-checker (`npm run check`): before narrowing by code, `error.origin`,
  // `error.status` and `error.response` did not compile after the guard.
  it('narrows a guarded error to the class of its code, with its fields', () => {
    const response = new Response(null, { status: 401 });
    const errors: unknown[] = [
      new OriginNotAllowedError('https://evil.test'),
      new TokenRequestError(503),
      new UnauthorizedError(response),
      new CustomerAuthError('DESTROYED'),
      new NotSignedInError(),
      new InvalidTokenError('aud'),
    ];
    const seen: unknown[] = [];
    for (const error of errors) {
      if (isCustomerAuthError(error, 'NOT_SIGNED_IN')) {
        expectTypeOf(error).toEqualTypeOf<NotSignedInError>();
        seen.push(error.name);
      }
      if (isCustomerAuthError(error, 'INVALID_TOKEN')) {
        expectTypeOf(error).toEqualTypeOf<InvalidTokenError>();
        seen.push(error.name);
      }
      if (isCustomerAuthError(error, 'ORIGIN_NOT_ALLOWED')) {
        expectTypeOf(error).toEqualTypeOf<OriginNotAllowedError>();
        seen.push(error.origin);
      }
      if (isCustomerAuthError(error, 'TOKEN_REQUEST_FAILED')) seen.push(error.status);
      if (isCustomerAuthError(error, 'UNAUTHORIZED')) seen.push(error.response);
      if (isCustomerAuthError(error, 'DESTROYED')) {
        expectTypeOf(error.code).toEqualTypeOf<'DESTROYED'>();
        seen.push(error.code);
      }
      if (isCustomerAuthError(error)) expectTypeOf(error).toExtend<CustomerAuthError>();
    }
    expect(seen).toEqual([
      'https://evil.test',
      503,
      response,
      'DESTROYED',
      'NotSignedInError',
      'InvalidTokenError',
    ]);
  });

  it('the guard rejects look-alikes and works across copies of the package', async () => {
    expect(isCustomerAuthError(new Error('x'))).toBe(false);
    expect(isCustomerAuthError({ code: 'NOT_SIGNED_IN', name: 'NotSignedInError' })).toBe(false);
    expect(isCustomerAuthError(null)).toBe(false);
    expect(isCustomerAuthError('NOT_SIGNED_IN')).toBe(false);
    // The built ESM bundle is another copy of every class: instanceof fails, the guard does not.
    const bundle = '../../dist/index.js';
    const built = (await import(bundle)) as typeof import('../../src/browser/index.js');
    const foreign = new built.NotSignedInError();
    expect(foreign).not.toBeInstanceOf(NotSignedInError);
    expect(isCustomerAuthError(foreign, 'NOT_SIGNED_IN')).toBe(true);
    expect(built.isCustomerAuthError(new NotSignedInError(), 'NOT_SIGNED_IN')).toBe(true);
  });
});
