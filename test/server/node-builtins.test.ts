import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  CLIENT_ID,
  CLIENT_SECRET,
  NOW,
  STORE_HASH,
  mintToken,
  realClaims,
} from './helpers/tokens.js';

type ServerModule = typeof import('../../src/server/index.js');

const processWithBuiltins = process as { getBuiltinModule?: unknown };
const original = processWithBuiltins.getBuiltinModule;

/** Loads a fresh copy of the server entry with `getBuiltinModule` as given; afterEach restores it. */
async function loadWithBuiltins(getBuiltinModule: unknown): Promise<ServerModule> {
  vi.resetModules();
  processWithBuiltins.getBuiltinModule = getBuiltinModule;
  return import('../../src/server/index.js');
}

const throwing = (): never => {
  throw new Error('A Node.js API is used (process.getBuiltinModule)');
};

describe('runtimes without node:crypto and Buffer', () => {
  afterEach(() => {
    processWithBuiltins.getBuiltinModule = original;
    vi.restoreAllMocks();
  });

  it.each([
    ['without getBuiltinModule (Workers without Node.js compatibility)', undefined],
    ['where getBuiltinModule throws (Next.js Edge runtime)', throwing],
  ])('load and verify with the portable decoder and WebCrypto %s', async (_name, builtins) => {
    const server = await loadWithBuiltins(builtins);
    const base64url = await import('../../src/server/base64url.js');
    expect(base64url.decodeBase64url).toBe(base64url.decodeBase64urlPortable);
    const importKey = vi.spyOn(crypto.subtle, 'importKey');
    const verifier = server.createVerifier({
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      storeHashes: [STORE_HASH],
      now: () => NOW * 1000,
    });
    await expect(verifier.verify(mintToken())).resolves.toMatchObject({ customerId: 42 });
    await expect(verifier.verify(mintToken({ alg: 'HS256' }))).resolves.toMatchObject({
      customerId: 42,
    });
    // One key per algorithm, imported once: the signatures were checked by WebCrypto.
    expect(importKey).toHaveBeenCalledTimes(2);
    const cases = [
      [mintToken({ secret: 'wrong' }), 'BAD_SIGNATURE'],
      [`${mintToken()}==`, 'MALFORMED'],
      [
        mintToken({ claims: realClaims({ store_hash: 'evil99', sub: 'evil99' }) }),
        'STORE_NOT_ALLOWED',
      ],
    ] as const;
    for (const [token, code] of cases) {
      const error: unknown = await verifier.verify(token).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(server.TokenVerificationError);
      expect(error).toMatchObject({ code });
    }
  });
});
