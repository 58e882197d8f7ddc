/**
 * Every way a browser call can fail, as a stable machine-readable code.
 *
 * - `NOT_SIGNED_IN`: no shopper is signed in (the token endpoint answered 404, or `getToken` returned `null`).
 * - `TOKEN_REQUEST_FAILED`: the token request failed: network error, a non-2xx status other than 404, a redirect,
 *   no answer within 30 s, or listeners kept dropping one call's tokens (5 dropped at once, or 5 by
 *   `invalidate()` a microtask later).
 * - `INVALID_TOKEN`: the token response is not a JWT, or is longer than 4,096 characters, or its `aud`, `application_id` or `operation` is wrong, or it has no numeric `customer.id`.
 * - `ORIGIN_NOT_ALLOWED`: the URL's origin is not in `allowedOrigins`; nothing was sent.
 * - `UNAUTHORIZED`: the API answered 401 even with a freshly fetched token (or with a body that cannot be replayed,
 *   or when the fresh token names another shopper).
 * - `NOT_CONFIGURED`: a `bcAuth*` function or `getDefaultClient()` was called before `configure()` (or before a configured script tag ran).
 * - `UNSUPPORTED_ENVIRONMENT`: called outside a browser, for example during server-side rendering.
 * - `DESTROYED`: the client was destroyed.
 *
 * @example
 * ```ts
 * const code: CustomerAuthErrorCode = 'NOT_SIGNED_IN';
 * ```
 */
export type CustomerAuthErrorCode =
  | 'NOT_SIGNED_IN'
  | 'TOKEN_REQUEST_FAILED'
  | 'INVALID_TOKEN'
  | 'ORIGIN_NOT_ALLOWED'
  | 'UNAUTHORIZED'
  | 'NOT_CONFIGURED'
  | 'UNSUPPORTED_ENVIRONMENT'
  | 'DESTROYED';

/**
 * The fields a {@link CustomerAuthError} can carry besides its code. `message` is refused so that
 * an `Error` given as the context itself fails to compile.
 *
 * @example
 * ```ts
 * const context: CustomerAuthErrorContext = { cause: new Error('offline') };
 * ```
 */
export interface CustomerAuthErrorContext {
  /** The underlying error. */
  cause?: unknown;
  /** An HTTP status, as on `TokenRequestError`. */
  status?: number;
  /** A refused origin, as on `OriginNotAllowedError`. */
  origin?: string;
  /** A response, as on `UnauthorizedError`. */
  response?: Response;
  /** Not a field: refuses an `Error` given in place of `{ cause }`. */
  message?: never;
}

// Symbol.for is shared by every copy of this module, so the guard works across bundles.
const BRAND = Symbol.for('bc-customer-auth.error');

/**
 * Base class of every error the browser SDK produces. Messages start with `bc-customer-auth: `
 * and never contain a token or a tokenized URL.
 *
 * @example
 * ```ts
 * try {
 *   await bcAuthFetch('https://api.example.com/points');
 * } catch (error) {
 *   if (isCustomerAuthError(error, 'NOT_SIGNED_IN')) showSignInLink();
 * }
 * ```
 */
export class CustomerAuthError extends Error {
  override readonly name: string = 'CustomerAuthError';
  /** Stable code; see {@link CustomerAuthErrorCode}. */
  declare readonly code: CustomerAuthErrorCode;
  /** The underlying error, when one was caught. */
  declare readonly cause: unknown;
  /** @internal */
  readonly [BRAND] = true;

  /**
   * The message is the code in words plus `detail`, for example
   * `bc-customer-auth: origin not allowed: https://evil.test`.
   *
   * @param code - The stable code.
   * @param detail - Appended to the message; never a token.
   * @param context - Fields to set, such as `status` or `cause` (the underlying error). `code`
   * stays the one given first; an `Error` passed here by mistake fails to compile: pass `{ cause }`.
   */
  constructor(
    code: CustomerAuthErrorCode,
    detail?: string | number,
    context?: CustomerAuthErrorContext,
  ) {
    super(
      'bc-customer-auth: ' +
        code.toLowerCase().replace(/_/g, ' ') +
        (detail === undefined ? '' : ': ' + String(detail)),
    );
    Object.assign(this, context, { code });
  }
}

/**
 * No shopper is signed in: the token endpoint answered 404, or `getToken` returned `null` (code
 * `NOT_SIGNED_IN`).
 *
 * @example
 * ```ts
 * if (isCustomerAuthError(error, 'NOT_SIGNED_IN')) showSignInLink();
 * ```
 */
export class NotSignedInError extends CustomerAuthError {
  override readonly name = 'NotSignedInError';
  declare readonly code: 'NOT_SIGNED_IN';

  /** A `getToken` option may throw it for a guest, as it may resolve to `null`. */
  constructor() {
    super('NOT_SIGNED_IN');
  }
}

/**
 * The token request failed (code `TOKEN_REQUEST_FAILED`).
 *
 * @example
 * ```ts
 * if (isCustomerAuthError(error, 'TOKEN_REQUEST_FAILED') && error.status === 0) showOffline();
 * ```
 */
export class TokenRequestError extends CustomerAuthError {
  override readonly name = 'TokenRequestError';
  declare readonly code: 'TOKEN_REQUEST_FAILED';
  /**
   * The HTTP status, or 0 when no response arrived (network error, a redirect in `manual` mode, no
   * answer within 30 s, or 5 tokens of one call dropped by listeners, counted per kind).
   */
  declare readonly status: number;

  /**
   * @param status - The HTTP status, or 0 when no response arrived.
   * @param cause - What went wrong, kept as the error's `cause`; never put a token in it.
   */
  constructor(status: number, cause?: unknown) {
    super('TOKEN_REQUEST_FAILED', status, { status, cause });
  }
}

/**
 * The token response is not an acceptable Current Customer JWT (code `INVALID_TOKEN`).
 *
 * @example
 * ```ts
 * if (isCustomerAuthError(error, 'INVALID_TOKEN')) console.error('check appClientId', error);
 * ```
 */
export class InvalidTokenError extends CustomerAuthError {
  override readonly name = 'InvalidTokenError';
  declare readonly code: 'INVALID_TOKEN';

  /**
   * @param problem - What is wrong, for example `not a JWT` or `aud`.
   * @param cause - The underlying error, kept as the error's `cause`.
   */
  constructor(problem: string, cause?: unknown) {
    super('INVALID_TOKEN', problem, { cause });
  }
}

/**
 * The URL's exact origin is not in `allowedOrigins`; nothing was sent (code
 * `ORIGIN_NOT_ALLOWED`).
 *
 * @example
 * ```ts
 * if (isCustomerAuthError(error, 'ORIGIN_NOT_ALLOWED')) console.error('refused', error.origin);
 * ```
 */
export class OriginNotAllowedError extends CustomerAuthError {
  override readonly name = 'OriginNotAllowedError';
  declare readonly code: 'ORIGIN_NOT_ALLOWED';
  /** The refused origin, for example `https://api.example.com.evil.test`. */
  declare readonly origin: string;

  /** @param origin - The refused origin, read back as `origin`. */
  constructor(origin: string) {
    super('ORIGIN_NOT_ALLOWED', origin, { origin });
  }
}

/**
 * The API answered 401 although the request carried a freshly fetched token, or the 401 could
 * not be retried because the body is a stream or the fresh token names another shopper (code
 * `UNAUTHORIZED`).
 *
 * @example
 * ```ts
 * if (isCustomerAuthError(error, 'UNAUTHORIZED')) console.warn(await error.response.text());
 * ```
 */
export class UnauthorizedError extends CustomerAuthError {
  override readonly name = 'UnauthorizedError';
  declare readonly code: 'UNAUTHORIZED';
  /** The 401 response; its body is unread. */
  declare readonly response: Response;

  /** @param response - The 401 response, read back as `response`. */
  constructor(response: Response) {
    super('UNAUTHORIZED', 401, { response });
  }
}

// The class each code is raised as, so that a guarded error exposes its context fields.
interface ErrorClassByCode {
  NOT_SIGNED_IN: NotSignedInError;
  TOKEN_REQUEST_FAILED: TokenRequestError;
  INVALID_TOKEN: InvalidTokenError;
  ORIGIN_NOT_ALLOWED: OriginNotAllowedError;
  UNAUTHORIZED: UnauthorizedError;
}
type CustomerAuthErrorFor<C extends CustomerAuthErrorCode> = C extends keyof ErrorClassByCode
  ? ErrorClassByCode[C]
  : CustomerAuthError & { readonly code: C };

/**
 * Tells whether `value` is an error from this SDK, optionally with a given code. Works across
 * bundles and copies of the package, where `instanceof` does not. With a code, `value` is
 * narrowed to that code's class, so its fields (`origin`, `status`, `response`) can be read.
 *
 * @example
 * ```ts
 * if (isCustomerAuthError(error, 'ORIGIN_NOT_ALLOWED')) console.warn('refused', error.origin);
 * ```
 */
export function isCustomerAuthError<C extends CustomerAuthErrorCode = CustomerAuthErrorCode>(
  value: unknown,
  code?: C,
): value is CustomerAuthErrorFor<C> {
  return (
    (value as Partial<CustomerAuthError> | null | undefined)?.[BRAND] === true &&
    (code === undefined || (value as CustomerAuthError).code === code)
  );
}
