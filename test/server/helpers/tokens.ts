import { createHmac } from 'node:crypto';
import { createVerifier } from '../../../src/server/index.js';
import type { Verifier, VerifierOptions } from '../../../src/server/index.js';

export const CLIENT_ID = 'c0ffee1234567890abcdef0123456789';
export const CLIENT_SECRET = '5ecret0a1b2c3d4e5f60718293a4b5c6d7e8f90123456789ab';
export const STORE_HASH = 'abc123';
/** The injected clock: 2024-05-01T12:00:00Z, in Unix seconds. */
export const NOW = 1_714_564_800;

export type Claims = Record<string, unknown>;

/** A payload shaped exactly like a real BigCommerce token, issued a minute before NOW. */
export function realClaims(overrides: Claims = {}): Claims {
  return {
    customer: { id: 42, email: 'Shopper1@Example.com', group_id: '0' },
    iss: 'bc/apps',
    iat: NOW - 60,
    exp: NOW + 840,
    version: 1,
    aud: CLIENT_ID,
    application_id: CLIENT_ID,
    store_hash: STORE_HASH,
    sub: STORE_HASH,
    operation: 'current_customer',
    ...overrides,
  };
}

/** Claims with one member removed. */
export function claimsWithout(name: string, overrides: Claims = {}): Claims {
  const claims = realClaims(overrides);
  Reflect.deleteProperty(claims, name);
  return claims;
}

export function encodeSegment(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return Buffer.from(text, 'utf8').toString('base64url');
}

export function encodeBytes(bytes: readonly number[]): string {
  return Buffer.from(bytes).toString('base64url');
}

/** HMAC of `signingInput` the way BigCommerce signs (UTF-8 secret as the key). */
export function hmacSegment(signingInput: string, alg = 'HS512', secret = CLIENT_SECRET): string {
  const digest = alg === 'HS256' ? 'sha256' : 'sha512';
  return createHmac(digest, secret).update(signingInput).digest('base64url');
}

/** Joins raw segments and signs them: for tokens with hand-made headers or payloads. */
export function signSegments(
  headerSegment: string,
  payloadSegment: string,
  options: { alg?: string; secret?: string } = {},
): string {
  const signingInput = `${headerSegment}.${payloadSegment}`;
  return `${signingInput}.${hmacSegment(signingInput, options.alg, options.secret)}`;
}

export interface MintOptions {
  header?: unknown;
  claims?: unknown;
  alg?: 'HS256' | 'HS512';
  secret?: string;
}

/** Mints a token like BigCommerce's (HS512, `typ: JWT`); every part can be overridden. */
export function mintToken(options: MintOptions = {}): string {
  const alg = options.alg ?? 'HS512';
  const header = options.header ?? { typ: 'JWT', alg };
  const claims = options.claims ?? realClaims();
  const signOptions = { alg, ...(options.secret === undefined ? {} : { secret: options.secret }) };
  return signSegments(encodeSegment(header), encodeSegment(claims), signOptions);
}

/** A verifier for the test app with the clock fixed at NOW. */
export function testVerifier(overrides: Partial<VerifierOptions> = {}): Verifier {
  return createVerifier({
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    storeHashes: [STORE_HASH],
    now: () => NOW * 1000,
    ...overrides,
  });
}

/** Settles a promise into a value or the rejection reason, for table-driven assertions. */
export async function settle<T>(promise: Promise<T>): Promise<{ value?: T; error?: unknown }> {
  try {
    return { value: await promise };
  } catch (error) {
    return { error };
  }
}
