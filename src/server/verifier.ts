import type { VerifiedCustomer } from './claims.js';
import { validateClaims } from './claims.js';
import { createCompactJwsParser, signatureMismatch } from './compact-jws.js';
import { isTokenVerificationError, TokenVerificationError } from './errors.js';
import { decodeJsonSegment } from './json-segment.js';
import { createSignatureCheck } from './signature.js';
import { resolveVerifierOptions, type VerifierOptions } from './verifier-options.js';

/**
 * Verifies Current Customer tokens; made by {@link createVerifier}. Its method needs no `this`.
 *
 * @example
 * ```ts
 * const { verify } = createVerifier(options);
 * ```
 */
export interface Verifier {
  /**
   * Verifies a token and resolves to the frozen, normalised claims.
   *
   * @param token - the compact JWS, without the `Bearer ` prefix.
   * @throws TokenVerificationError (as a rejection) with a stable `code`; never a raw `TypeError`,
   * `SyntaxError` or `DOMException`, and never with the token in the message.
   * @example const { storeHash, customerId } = await verifier.verify(token);
   */
  verify(token: unknown): Promise<VerifiedCustomer>;
}

function currentSeconds(now: () => number): number {
  const milliseconds = now();
  // Number.isFinite does not coerce: a string or a bigint from a JavaScript caller is refused too.
  if (!Number.isFinite(milliseconds)) {
    throw new TokenVerificationError('INTERNAL', 'the "now" option returned no finite time');
  }
  // Not rounded: flooring would let `exp − now ≥ minRemainingSeconds + clockToleranceSeconds`
  // pass for up to a second too long. The other time checks give the same answers either way.
  return milliseconds / 1000;
}

function asVerificationError(error: unknown): TokenVerificationError {
  if (isTokenVerificationError(error)) return error;
  return new TokenVerificationError('INTERNAL', 'the verifier failed unexpectedly', {
    cause: error,
  });
}

/**
 * Creates a strict verifier for BigCommerce Current Customer JWTs: compact JWS, `alg` HS256 or
 * HS512 only, canonical base64url, the signature checked in constant time before the payload is
 * parsed, then `iss`, `aud`, `application_id`, `operation`, `sub`/`store_hash`, the store
 * allowlist, `iat`, `exp`, `nbf` when present, and the lifetime.
 *
 * @throws TypeError at creation, naming the first bad option.
 * @example
 * ```ts
 * const verifier = createVerifier({
 *   clientId: process.env.BC_CLIENT_ID ?? '', // '' throws a TypeError naming the option
 *   clientSecret: process.env.BC_CLIENT_SECRET ?? '',
 *   storeHashes: ['abc123'],
 * });
 * const { storeHash, customerId } = await verifier.verify(token);
 * ```
 */
export function createVerifier(options: VerifierOptions): Verifier {
  const settings = resolveVerifierOptions(options);
  const parser = createCompactJwsParser();
  const checkSignature = createSignatureCheck(settings.clientSecret, settings.forceWebCrypto);

  async function verify(token: unknown): Promise<VerifiedCustomer> {
    try {
      const jws = parser.parse(token);
      const checked = checkSignature(jws.algorithm, jws.signingInput, jws.signature);
      const valid = typeof checked === 'boolean' ? checked : await checked;
      if (!valid) throw signatureMismatch(jws);
      if (!jws.headerKnown) parser.remember(jws);
      const payload = decodeJsonSegment(jws.payloadSegment, 'payload');
      return validateClaims(payload, settings, currentSeconds(settings.now));
    } catch (error) {
      throw asVerificationError(error);
    }
  }

  return Object.freeze({ verify });
}
