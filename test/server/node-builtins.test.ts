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

/** Loads a fresh copy of the server entry as a runtime without Node built-ins (Workers, Deno) would. */
async function loadWithoutNodeBuiltins(getBuiltinModule?: unknown): Promise<ServerModule> {
  vi.resetModules();
  processWithBuiltins.getBuiltinModule = getBuiltinModule;
  try {
    return await import('../../src/server/index.js');
  } finally {
    processWithBuiltins.getBuiltinModule = original;
  }
}

describe('runtimes without node:crypto and Buffer', () => {
  afterEach(() => {
    processWithBuiltins.getBuiltinModule = original;
  });

  it('load the server entry and verify with the portable decoder and WebCrypto', async () => {
    const server = await loadWithoutNodeBuiltins();
    const base64url = await import('../../src/server/base64url.js');
    expect(base64url.decodeBase64url).toBe(base64url.decodeBase64urlPortable);
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

  it('load and verify with WebCrypto where getBuiltinModule throws (Next.js Edge runtime)', async () => {
    const throwing = (): never => {
      throw new Error('A Node.js API is used (process.getBuiltinModule)');
    };
    const server = await loadWithoutNodeBuiltins(throwing);
    processWithBuiltins.getBuiltinModule = throwing; // createVerifier looks for node:crypto too
    const verifier = server.createVerifier({
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      storeHashes: [STORE_HASH],
      now: () => NOW * 1000,
    });
    await expect(verifier.verify(mintToken())).resolves.toMatchObject({ customerId: 42 });
    const error: unknown = await verifier
      .verify(mintToken({ secret: 'wrong' }))
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(server.TokenVerificationError);
    expect(error).toMatchObject({ code: 'BAD_SIGNATURE' });
  });
});
