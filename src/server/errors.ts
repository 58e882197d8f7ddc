/**
 * Every way a token or a request carrying one can fail, as a stable machine-readable code.
 *
 * - `MALFORMED`: not a compact JWS of three canonical base64url segments holding strict UTF-8 JSON objects.
 * - `TOO_LARGE`: longer than the length cap (4096 characters).
 * - `UNSUPPORTED_ALGORITHM`: `alg` is anything but `HS256` or `HS512`.
 * - `UNSUPPORTED_HEADER`: the header uses a parameter this verifier refuses (`crit`, `b64`, `zip`, `jku`, `jwk`, …) or a `typ` other than `JWT`.
 * - `BAD_SIGNATURE`: the HMAC does not match the client secret.
 * - `CLAIM_INVALID`: a claim is missing, has the wrong type or value, or the lifetime is too long.
 * - `STORE_NOT_ALLOWED`: the token was issued by a store not in `storeHashes`.
 * - `EXPIRED`: past `exp` (beyond the clock tolerance), or too close to it for `minRemainingSeconds`.
 * - `ISSUED_IN_FUTURE`: `iat`, or `nbf` when present, is later than now plus the clock tolerance.
 * - `INVALID_REQUEST`: the request carries the token ambiguously or malformed (RFC 6750 `invalid_request`).
 * - `INTERNAL`: the verifier itself failed (for example the runtime's crypto threw); not the caller's fault.
 *
 * @example
 * ```ts
 * const retryable: TokenVerificationErrorCode[] = ['EXPIRED', 'ISSUED_IN_FUTURE'];
 * ```
 */
export type TokenVerificationErrorCode =
  | 'MALFORMED'
  | 'TOO_LARGE'
  | 'UNSUPPORTED_ALGORITHM'
  | 'UNSUPPORTED_HEADER'
  | 'BAD_SIGNATURE'
  | 'CLAIM_INVALID'
  | 'STORE_NOT_ALLOWED'
  | 'EXPIRED'
  | 'ISSUED_IN_FUTURE'
  | 'INVALID_REQUEST'
  | 'INTERNAL';

/**
 * Codes carried by {@link TokenClaimError}.
 *
 * @example
 * ```ts
 * const code: TokenClaimErrorCode = 'STORE_NOT_ALLOWED';
 * ```
 */
export type TokenClaimErrorCode = Extract<
  TokenVerificationErrorCode,
  'CLAIM_INVALID' | 'STORE_NOT_ALLOWED' | 'EXPIRED' | 'ISSUED_IN_FUTURE'
>;

/**
 * Options accepted by the error constructors.
 *
 * @example
 * ```ts
 * new TokenVerificationError('INTERNAL', 'key store unavailable', { cause: error });
 * ```
 */
export interface TokenVerificationErrorOptions {
  /**
   * The underlying error, when one was caught.
   * @default undefined (no `cause` property)
   * @example error
   */
  cause?: unknown;
}

const MESSAGE_PREFIX = 'bc-customer-auth: ';
// Symbol.for is shared by every copy of this module, so the guard works across bundles.
const BRAND = Symbol.for('bc-customer-auth/server/TokenVerificationError');

/**
 * Base class of every error `verify` rejects with, and of every error `extractToken` throws for a
 * request that has headers. Messages start with `bc-customer-auth: ` and never contain the token.
 *
 * @example
 * ```ts
 * try {
 *   await verifier.verify(token);
 * } catch (error) {
 *   if (isTokenVerificationError(error, 'EXPIRED')) refreshToken();
 * }
 * ```
 */
export class TokenVerificationError extends Error {
  override readonly name: string = 'TokenVerificationError';
  /** Stable code; see {@link TokenVerificationErrorCode}. */
  readonly code: TokenVerificationErrorCode;
  /** Why the token or request was refused, without the message prefix. */
  readonly reason: string;

  /**
   * @param code - The stable code, read back as `code`.
   * @param reason - Why, read back as `reason`; the message is `bc-customer-auth: ` and this. Never
   *   put the token in it.
   * @param options - `cause`, the underlying error.
   */
  constructor(
    code: TokenVerificationErrorCode,
    reason: string,
    options: TokenVerificationErrorOptions = {},
  ) {
    super(
      MESSAGE_PREFIX + reason,
      Object.hasOwn(options, 'cause') ? { cause: options.cause } : undefined,
    );
    this.code = code;
    this.reason = reason;
  }
}
Object.defineProperty(TokenVerificationError.prototype, BRAND, { value: true });

/**
 * A claim failed validation; `claim` names it (`iss`, `exp`, `customer.id`, …).
 *
 * @example
 * ```ts
 * if (error instanceof TokenClaimError) console.warn(`token refused: ${error.claim}`);
 * ```
 */
export class TokenClaimError extends TokenVerificationError {
  override readonly name = 'TokenClaimError';
  declare readonly code: TokenClaimErrorCode;
  /** The claim that failed, as a dotted path into the payload. */
  readonly claim: string;

  /**
   * @param code - The stable code, read back as `code`.
   * @param claim - The claim that failed, read back as `claim`.
   * @param reason - What is wrong with it: `reason` reads `"<claim>" claim ` and this, for example
   *   `"store_hash" claim is not an installed store`.
   */
  constructor(code: TokenClaimErrorCode, claim: string, reason: string) {
    super(code, `"${claim}" claim ${reason}`);
    this.claim = claim;
  }
}

/**
 * The request carries its token ambiguously or malformed; answered with HTTP 400 `invalid_request`.
 *
 * @example
 * ```ts
 * if (error instanceof InvalidRequestError) res.statusCode = 400;
 * ```
 */
export class InvalidRequestError extends TokenVerificationError {
  override readonly name = 'InvalidRequestError';
  declare readonly code: 'INVALID_REQUEST';

  /** @param reason - Why, read back as `reason`. */
  constructor(reason: string) {
    super('INVALID_REQUEST', reason);
  }
}

// The class each code is raised as, so that a guarded error exposes `claim` where it has one.
type TokenVerificationErrorFor<C extends TokenVerificationErrorCode> = C extends TokenClaimErrorCode
  ? TokenClaimError & { readonly code: C }
  : C extends 'INVALID_REQUEST'
    ? InvalidRequestError
    : TokenVerificationError & { readonly code: C };

/**
 * Tells whether `value` is a {@link TokenVerificationError} (optionally with the given code),
 * including one thrown by another copy of this package. With a code, `value` is narrowed to that
 * code's class: a claim code gives a {@link TokenClaimError}, whose `claim` can be read.
 *
 * @example
 * ```ts
 * if (isTokenVerificationError(error, 'CLAIM_INVALID')) log.warn(`bad claim: ${error.claim}`);
 * ```
 */
export function isTokenVerificationError<
  C extends TokenVerificationErrorCode = TokenVerificationErrorCode,
>(value: unknown, code?: C): value is TokenVerificationErrorFor<C> {
  if (typeof value !== 'object' || value === null) return false;
  const branded = (value as Record<symbol, unknown>)[BRAND] === true;
  return branded && (code === undefined || (value as { code?: unknown }).code === code);
}
