import * as nodeCrypto from 'node:crypto';
import { webcrypto } from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';
import {
  createNodeSignatureCheck,
  createSignatureCheck,
  createWebCryptoSignatureCheck,
} from '../../src/server/signature.js';
import { TokenVerificationError } from '../../src/server/index.js';
import { CLIENT_SECRET, mintToken, realClaims, settle, testVerifier } from './helpers/tokens.js';

function partsOf(token: string): { input: string; signature: Uint8Array } {
  const lastDot = token.lastIndexOf('.');
  return {
    input: token.slice(0, lastDot),
    signature: Buffer.from(token.slice(lastDot + 1), 'base64url'),
  };
}

describe('signature checks', () => {
  it('uses WebCrypto when the runtime has no node:crypto, and it verifies', async () => {
    const processWithBuiltins = process as { getBuiltinModule?: unknown };
    const original = processWithBuiltins.getBuiltinModule;
    processWithBuiltins.getBuiltinModule = undefined;
    let check;
    try {
      check = createSignatureCheck(CLIENT_SECRET, false);
    } finally {
      processWithBuiltins.getBuiltinModule = original;
    }
    const { input, signature } = partsOf(mintToken());
    const result = check('HS512', input, signature);
    expect(result).toBeInstanceOf(Promise);
    await expect(result).resolves.toBe(true);
    await expect(check('HS512', `${input}x`, signature)).resolves.toBe(false);
  });

  it('uses node:crypto synchronously when available', () => {
    const { input, signature } = partsOf(mintToken({ alg: 'HS256' }));
    const check = createSignatureCheck(CLIENT_SECRET, false);
    expect(check('HS256', input, signature)).toBe(true);
    expect(check('HS512', input, new Uint8Array(64))).toBe(false);
  });

  it('compares node:crypto HMACs with timingSafeEqual (constant time)', () => {
    const timingSafeEqual = vi.fn(nodeCrypto.timingSafeEqual);
    const check = createNodeSignatureCheck({ ...nodeCrypto, timingSafeEqual }, CLIENT_SECRET);
    const { input, signature } = partsOf(mintToken());
    expect(check('HS512', input, signature)).toBe(true);
    expect(check('HS512', `${input}x`, signature)).toBe(false);
    expect(timingSafeEqual).toHaveBeenCalledTimes(2);
  });

  it('imports the WebCrypto key once per algorithm per verifier', async () => {
    const importKey = vi.fn(webcrypto.subtle.importKey.bind(webcrypto.subtle));
    const subtle = {
      importKey,
      verify: webcrypto.subtle.verify.bind(webcrypto.subtle),
    } as unknown as SubtleCrypto;
    const check = createWebCryptoSignatureCheck(subtle, CLIENT_SECRET);
    const hs512 = partsOf(mintToken());
    const hs256 = partsOf(mintToken({ alg: 'HS256' }));
    await Promise.all([1, 2, 3].map(() => check('HS512', hs512.input, hs512.signature)));
    for (let round = 0; round < 5; round += 1) {
      await expect(check('HS512', hs512.input, hs512.signature)).resolves.toBe(true);
      await expect(check('HS256', hs256.input, hs256.signature)).resolves.toBe(true);
    }
    expect(importKey).toHaveBeenCalledTimes(2);
  });

  it('imports the key again after a failed import instead of caching the failure', async () => {
    const realImport = webcrypto.subtle.importKey.bind(webcrypto.subtle) as (
      ...args: unknown[]
    ) => Promise<CryptoKey>;
    let failures = 1;
    const importKey = vi.fn((...args: unknown[]) =>
      failures-- > 0
        ? Promise.reject(new DOMException('busy', 'OperationError'))
        : realImport(...args),
    );
    const subtle = {
      importKey,
      verify: webcrypto.subtle.verify.bind(webcrypto.subtle),
    } as unknown as SubtleCrypto;
    const check = createWebCryptoSignatureCheck(subtle, CLIENT_SECRET);
    const { input, signature } = partsOf(mintToken());
    await expect(check('HS512', input, signature)).rejects.toBeInstanceOf(DOMException);
    await expect(check('HS512', input, signature)).resolves.toBe(true);
    expect(importKey).toHaveBeenCalledTimes(2);
  });

  it('gives the same verdicts on both paths', async () => {
    const node = testVerifier();
    const web = testVerifier({ forceWebCrypto: true });
    const tokens = [
      mintToken(),
      mintToken({ alg: 'HS256' }),
      mintToken({ secret: 'wrong' }),
      mintToken({ claims: realClaims({ iss: 'x' }) }),
      `${mintToken().slice(0, -2)}AA`,
    ];
    for (const token of tokens) {
      const [a, b] = await Promise.all([settle(node.verify(token)), settle(web.verify(token))]);
      expect(b.value).toStrictEqual(a.value);
      expect((b.error as TokenVerificationError | undefined)?.code).toBe(
        (a.error as TokenVerificationError | undefined)?.code,
      );
    }
  });

  it('turns a failing WebCrypto into a typed INTERNAL error, never a raw DOMException', async () => {
    const subtle = {
      importKey: () => Promise.reject(new DOMException('not supported', 'NotSupportedError')),
      verify: () => Promise.resolve(true),
    } as unknown as SubtleCrypto;
    const original = globalThis.crypto.subtle;
    Object.defineProperty(globalThis.crypto, 'subtle', { value: subtle, configurable: true });
    let verifier;
    try {
      verifier = testVerifier({ forceWebCrypto: true });
    } finally {
      Object.defineProperty(globalThis.crypto, 'subtle', { value: original, configurable: true });
    }
    const { error } = await settle(verifier.verify(mintToken()));
    expect(error).toBeInstanceOf(TokenVerificationError);
    expect(error).toMatchObject({ code: 'INTERNAL', cause: expect.any(DOMException) });
  });
});

describe('signature checks: edges', () => {
  it('never accepts a truncated or empty signature on the node:crypto path', () => {
    const check = createNodeSignatureCheck(nodeCrypto, 'secret');
    const input = 'header.payload';
    const full = nodeCrypto.createHmac('sha512', 'secret').update(input).digest();
    expect(check('HS512', input, full)).toBe(true);
    // timingSafeEqual's own length check is the second line of defence behind the parser's.
    for (const short of [full.subarray(0, 32), full.subarray(0, 1), new Uint8Array(0)]) {
      let verdict: unknown;
      try {
        verdict = check('HS512', input, short);
      } catch {
        verdict = 'threw';
      }
      expect(verdict).not.toBe(true);
    }
  });

  it('keys the HMAC with the UTF-8 bytes of a non-ASCII secret, on both paths', async () => {
    const secret = 'sécret-ß-✓';
    const token = mintToken({ secret });
    await expect(testVerifier({ clientSecret: secret }).verify(token)).resolves.toMatchObject({
      customerId: 42,
    });
    await expect(
      testVerifier({ clientSecret: secret, forceWebCrypto: true }).verify(token),
    ).resolves.toMatchObject({ customerId: 42 });
  });
});
