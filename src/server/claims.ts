import { TokenClaimError } from './errors.js';
import { isJsonObject, type JsonObject } from './json-segment.js';
import { readOwn } from './own-properties.js';

/**
 * The shopper a verified token names. Identify customers by `(storeHash, customerId)`, never by
 * email alone.
 *
 * @example
 * ```ts
 * { storeHash: 'abc123', customerId: 42, email: 'shopper1@example.com', groupId: '0',
 *   issuedAt: 1714564740, expiresAt: 1714565640 }
 * ```
 */
export interface VerifiedCustomer {
  /** The store that issued the token (`store_hash`, equal to `sub`). */
  readonly storeHash: string;
  /** The store-scoped customer ID (`customer.id`), a positive integer. */
  readonly customerId: number;
  /** The customer's email address (`customer.email`), case preserved. */
  readonly email: string;
  /** The customer group (`customer.group_id`) as a decimal string; `"0"` means no group. */
  readonly groupId: string;
  /** When the token was issued (`iat`), in Unix seconds. */
  readonly issuedAt: number;
  /** When the token expires (`exp`), in Unix seconds. */
  readonly expiresAt: number;
}

/** What the claims must satisfy; resolved from the verifier options. */
export interface ClaimRules {
  readonly clientId: string;
  readonly storeHashes: ReadonlySet<string> | null;
  readonly clockToleranceSeconds: number;
  readonly maxLifetimeSeconds: number;
  readonly minRemainingSeconds: number;
}

/** Store hashes are short lowercase alphanumerics; this wider pattern still keeps them safe in keys and ARNs. */
export const STORE_HASH_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
const GROUP_ID_PATTERN = /^\d{1,20}$/;

/** Tells whether `value` is a safe integer (a number, then) no smaller than `minimum`. */
export function isSafeIntegerAtLeast(value: unknown, minimum: number): value is number {
  return Number.isSafeInteger(value) && (value as number) >= minimum;
}

function invalid(claim: string, reason: string): TokenClaimError {
  return new TokenClaimError('CLAIM_INVALID', claim, reason);
}

function requireEqual(payload: JsonObject, claim: string, expected: string, label: string): void {
  if (readOwn(payload, claim) !== expected) throw invalid(claim, `must equal ${label}`);
}

function readStoreHash(payload: JsonObject, rules: ClaimRules): string {
  const storeHash = readOwn(payload, 'store_hash');
  if (typeof storeHash !== 'string' || !STORE_HASH_PATTERN.test(storeHash)) {
    throw invalid('store_hash', 'must be a store hash');
  }
  if (readOwn(payload, 'sub') !== storeHash) throw invalid('sub', 'must equal "store_hash"');
  if (rules.storeHashes !== null && !rules.storeHashes.has(storeHash)) {
    throw new TokenClaimError(
      'STORE_NOT_ALLOWED',
      'store_hash',
      `"${storeHash}" is not in storeHashes`,
    );
  }
  return storeHash;
}

function readSeconds(payload: JsonObject, claim: 'iat' | 'exp' | 'nbf'): number {
  const value = readOwn(payload, claim);
  if (!isSafeIntegerAtLeast(value, 0)) {
    throw invalid(claim, 'must be a non-negative integer number of seconds');
  }
  return value;
}

function checkTimes(
  issuedAt: number,
  expiresAt: number,
  rules: ClaimRules,
  nowSeconds: number,
): void {
  const lifetime = expiresAt - issuedAt;
  if (lifetime <= 0 || lifetime > rules.maxLifetimeSeconds) {
    throw invalid(
      'exp',
      `must be after "iat" by at most maxLifetimeSeconds (${rules.maxLifetimeSeconds})`,
    );
  }
  if (issuedAt > nowSeconds + rules.clockToleranceSeconds) {
    throw new TokenClaimError('ISSUED_IN_FUTURE', 'iat', 'is in the future');
  }
  // Plain expiry forgives a clock running ahead by the tolerance…
  if (nowSeconds >= expiresAt + rules.clockToleranceSeconds) {
    throw new TokenClaimError('EXPIRED', 'exp', 'has passed');
  }
  // …but a cached authorizer result lives minRemainingSeconds more, and our clock may run behind
  // by the tolerance: then the token must have both left.
  const remaining = expiresAt - nowSeconds;
  if (
    rules.minRemainingSeconds > 0 &&
    remaining < rules.minRemainingSeconds + rules.clockToleranceSeconds
  ) {
    throw new TokenClaimError('EXPIRED', 'exp', 'is within minRemainingSeconds');
  }
}

function checkNotBefore(payload: JsonObject, rules: ClaimRules, nowSeconds: number): void {
  if (!Object.hasOwn(payload, 'nbf')) return;
  const notBefore = readSeconds(payload, 'nbf');
  if (notBefore > nowSeconds + rules.clockToleranceSeconds) {
    throw new TokenClaimError('ISSUED_IN_FUTURE', 'nbf', 'is in the future');
  }
}

function readGroupId(customer: JsonObject): string {
  const groupId = readOwn(customer, 'group_id');
  if (typeof groupId === 'string' && GROUP_ID_PATTERN.test(groupId)) {
    return groupId.replace(/^0+(?=\d)/, '');
  }
  if (isSafeIntegerAtLeast(groupId, 0)) {
    return String(groupId);
  }
  throw invalid('customer.group_id', 'must be a non-negative integer or a string of digits');
}

function readCustomer(
  payload: JsonObject,
): Pick<VerifiedCustomer, 'customerId' | 'email' | 'groupId'> {
  const customer = readOwn(payload, 'customer');
  if (!isJsonObject(customer)) throw invalid('customer', 'must be an object');
  const customerId = readOwn(customer, 'id');
  if (!isSafeIntegerAtLeast(customerId, 1)) {
    throw invalid('customer.id', 'must be a positive integer');
  }
  const email = readOwn(customer, 'email');
  if (typeof email !== 'string' || email === '') {
    throw invalid('customer.email', 'must be a non-empty string');
  }
  return { customerId, email, groupId: readGroupId(customer) };
}

/**
 * Validates a signature-checked payload against the rules and returns the normalised claims.
 *
 * @throws TokenClaimError naming the first claim that fails.
 */
export function validateClaims(
  payload: JsonObject,
  rules: ClaimRules,
  nowSeconds: number,
): VerifiedCustomer {
  requireEqual(payload, 'iss', 'bc/apps', '"bc/apps"');
  requireEqual(payload, 'aud', rules.clientId, 'clientId');
  requireEqual(payload, 'application_id', rules.clientId, 'clientId');
  requireEqual(payload, 'operation', 'current_customer', '"current_customer"');
  const storeHash = readStoreHash(payload, rules);
  const issuedAt = readSeconds(payload, 'iat');
  const expiresAt = readSeconds(payload, 'exp');
  checkTimes(issuedAt, expiresAt, rules, nowSeconds);
  checkNotBefore(payload, rules, nowSeconds);
  return Object.freeze({ storeHash, ...readCustomer(payload), issuedAt, expiresAt });
}
