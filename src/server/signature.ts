import type * as NodeCrypto from 'node:crypto';
import type { JwsAlgorithm } from './compact-jws.js';
import { loadNodeCrypto } from './node-builtins.js';

/** Checks an HMAC signature in constant time; synchronous on `node:crypto`, a promise on WebCrypto. */
export type SignatureCheck = (
  algorithm: JwsAlgorithm,
  signingInput: string,
  signature: Uint8Array,
) => boolean | Promise<boolean>;

interface RuntimeGlobals {
  crypto?: { subtle?: SubtleCrypto };
}

/** The fast path: a `KeyObject` made once, `createHmac` per call, `timingSafeEqual` to compare. */
export function createNodeSignatureCheck(
  crypto: typeof NodeCrypto,
  secret: string,
): SignatureCheck {
  const key = crypto.createSecretKey(secret, 'utf8');
  return (algorithm, signingInput, signature) => {
    const digest = `sha${algorithm.slice(2)}`; // HS256 → sha256, HS512 → sha512
    const expected = crypto.createHmac(digest, key).update(signingInput).digest();
    return crypto.timingSafeEqual(expected, signature);
  };
}

/** WebCrypto: one imported key per hash, made on first use; `subtle.verify` compares in constant time. */
export function createWebCryptoSignatureCheck(
  subtle: SubtleCrypto,
  secret: string,
): SignatureCheck {
  const encoder = new TextEncoder();
  const secretBytes = encoder.encode(secret);
  const keys = new Map<JwsAlgorithm, Promise<CryptoKey>>();

  function keyFor(algorithm: JwsAlgorithm): Promise<CryptoKey> {
    let key = keys.get(algorithm);
    if (key === undefined) {
      const hash = `SHA-${algorithm.slice(2)}`; // HS256 → SHA-256, HS512 → SHA-512
      const algorithmParams = { name: 'HMAC', hash };
      key = subtle.importKey('raw', secretBytes, algorithmParams, false, ['verify']);
      // A failed import is not cached, so a transient failure does not poison the verifier.
      key.catch(() => keys.delete(algorithm));
      keys.set(algorithm, key);
    }
    return key;
  }

  return async (algorithm, signingInput, signature) =>
    subtle.verify(
      'HMAC',
      await keyFor(algorithm),
      new Uint8Array(signature),
      encoder.encode(signingInput),
    );
}

/**
 * Picks `node:crypto` when the runtime offers it through `process.getBuiltinModule` (Node ≥ 20.16,
 * Bun, Deno, Workers with `nodejs_compat` from compatibility date 2024-09-23), WebCrypto otherwise.
 *
 * @throws Error when the runtime has neither.
 */
export function createSignatureCheck(secret: string, forceWebCrypto: boolean): SignatureCheck {
  const nodeCrypto = forceWebCrypto ? undefined : loadNodeCrypto();
  if (nodeCrypto !== undefined) return createNodeSignatureCheck(nodeCrypto, secret);
  const subtle = (globalThis as RuntimeGlobals).crypto?.subtle;
  if (subtle === undefined) {
    throw new Error('bc-customer-auth: this runtime has neither node:crypto nor WebCrypto');
  }
  return createWebCryptoSignatureCheck(subtle, secret);
}
