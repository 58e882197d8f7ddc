import { isSafeIntegerAtLeast, STORE_HASH_PATTERN, type ClaimRules } from './claims.js';
import { knownOptions } from './option-checks.js';

/**
 * Options of `createVerifier()`.
 *
 * @example
 * ```ts
 * const options: VerifierOptions = { clientId, clientSecret, storeHashes: ['abc123'] };
 * ```
 */
export interface VerifierOptions {
  /**
   * Your app's client ID; tokens must carry it as `aud` and `application_id`.
   * @example 'c0ffee1234567890abcdef0123456789'
   */
  clientId: string;
  /**
   * Your app's client secret, the HMAC key BigCommerce signs the tokens with. Keep it on the server.
   * @example process.env.BC_CLIENT_SECRET ?? ''
   */
  clientSecret: string;
  /**
   * The stores this app serves; tokens from any other store are refused with `STORE_NOT_ALLOWED`.
   * Required, because any store can obtain tokens for any app's client ID. Pass `null` only to
   * opt out explicitly (and then key every record by `storeHash`). Otherwise a non-empty array of
   * store hashes (letters, digits, `_`, `-`).
   *
   * @example ['abc123']
   */
  storeHashes: readonly string[] | null;
  /**
   * Allowed clock difference with BigCommerce when checking `exp`, `iat`
   * and `nbf`, in whole seconds; less than `maxLifetimeSeconds`.
   *
   * @default 30
   * @example 5
   */
  clockToleranceSeconds?: number | undefined;
  /**
   * Longest accepted token lifetime (`exp − iat`), in whole seconds. BigCommerce issues 900-second
   * tokens.
   *
   * @default 900
   * @example 900
   */
  maxLifetimeSeconds?: number | undefined;
  /**
   * Refuse tokens that expire within this many seconds (`EXPIRED`). Set it to at least the
   * authorizer result TTL when API Gateway caches results, so a cached Allow never outlives the token.
   * Above 0, a token is accepted only while `exp − now ≥ minRemainingSeconds +
   * clockToleranceSeconds` (this server's clock may run behind). Whole seconds; with the tolerance,
   * below `maxLifetimeSeconds`.
   *
   * @default 0
   * @example 60 // the authorizer's result TTL
   */
  minRemainingSeconds?: number | undefined;
  /**
   * The clock, in milliseconds since the Unix epoch.
   *
   * @default () => Date.now() (read at each call, so fake timers apply)
   * @example () => clock.now() // a fake clock in tests
   */
  now?: (() => number) | undefined;
  /** @internal Use WebCrypto even where `node:crypto` exists (tests). */
  forceWebCrypto?: boolean;
}

/** Options after validation and defaults. */
export interface ResolvedVerifierOptions extends ClaimRules {
  readonly clientSecret: string;
  readonly now: () => number;
  readonly forceWebCrypto: boolean;
}

const VERIFIER_OPTIONS = [
  'clientId',
  'clientSecret',
  'storeHashes',
  'clockToleranceSeconds',
  'maxLifetimeSeconds',
  'minRemainingSeconds',
  'now',
];

function optionError(name: string, requirement: string): TypeError {
  return new TypeError(`bc-customer-auth: createVerifier option "${name}" ${requirement}`);
}

function requireText(value: unknown, name: string): string {
  if (typeof value !== 'string' || value === '' || value.trim() !== value) {
    throw optionError(name, 'must be a non-empty string without surrounding whitespace');
  }
  return value;
}

function resolveStoreHashes(value: unknown): ReadonlySet<string> | null {
  if (value === null) return null;
  if (value === undefined) {
    throw optionError(
      'storeHashes',
      'is required: list your stores, or pass null to accept any store',
    );
  }
  if (!Array.isArray(value) || value.length === 0) {
    throw optionError('storeHashes', 'must be a non-empty array of store hashes, or null');
  }
  for (const storeHash of value as unknown[]) {
    if (typeof storeHash !== 'string' || !STORE_HASH_PATTERN.test(storeHash)) {
      throw optionError('storeHashes', 'must contain only store hashes such as "abc123"');
    }
  }
  return new Set(value as string[]);
}

function resolveSeconds(value: unknown, name: string, fallback: number, minimum: number): number {
  if (value === undefined) return fallback;
  if (!isSafeIntegerAtLeast(value, minimum)) {
    throw optionError(name, `must be an integer number of seconds, at least ${minimum}`);
  }
  return value;
}

/**
 * Validates the options and applies defaults.
 *
 * @throws TypeError naming the first bad option.
 */
export function resolveVerifierOptions(options: VerifierOptions): ResolvedVerifierOptions {
  if (typeof options !== 'object' || (options as unknown) === null) {
    throw new TypeError('bc-customer-auth: createVerifier needs an options object');
  }
  // `forceWebCrypto` is internal: accepted, never listed.
  const { forceWebCrypto, ...named } = options;
  const own = knownOptions(named, VERIFIER_OPTIONS, 'createVerifier');
  const clockToleranceSeconds = resolveSeconds(
    own.clockToleranceSeconds,
    'clockToleranceSeconds',
    30,
    0,
  );
  const maxLifetimeSeconds = resolveSeconds(own.maxLifetimeSeconds, 'maxLifetimeSeconds', 900, 1);
  const minRemainingSeconds = resolveSeconds(own.minRemainingSeconds, 'minRemainingSeconds', 0, 0);
  // minRemainingSeconds + clockToleranceSeconds must stay below maxLifetimeSeconds. Alone, a
  // tolerance as long as the lifetime would keep an expired token valid for a whole lifetime again.
  // The error names an option the caller set: with the default tolerance, a short lifetime is at fault.
  const margin = minRemainingSeconds + clockToleranceSeconds;
  if (margin >= maxLifetimeSeconds) {
    const name = minRemainingSeconds
      ? 'minRemainingSeconds'
      : own.clockToleranceSeconds === undefined
        ? 'maxLifetimeSeconds'
        : 'clockToleranceSeconds';
    throw optionError(
      name,
      `is too ${name === 'maxLifetimeSeconds' ? 'small' : 'large'}: minRemainingSeconds + ` +
        `clockToleranceSeconds (${margin}) must be less than maxLifetimeSeconds (${maxLifetimeSeconds})`,
    );
  }
  // A default applies to undefined only: `now: null` is a mistake to report, not "unset".
  const { now = (): number => Date.now() } = own;
  if (typeof now !== 'function') throw optionError('now', 'must be a function');
  return {
    clientId: requireText(own.clientId, 'clientId'),
    clientSecret: requireText(own.clientSecret, 'clientSecret'),
    storeHashes: resolveStoreHashes(own.storeHashes),
    clockToleranceSeconds,
    maxLifetimeSeconds,
    minRemainingSeconds,
    now,
    forceWebCrypto: forceWebCrypto === true && Object.hasOwn(options, 'forceWebCrypto'),
  };
}
