import { describe, expect, it } from 'vitest';
import { TokenVerificationError, type Verifier } from '../../src/server/index.js';
import { mintToken, testVerifier } from './helpers/tokens.js';

async function flipEveryBit(verifier: Verifier, token: string): Promise<Map<string, number>> {
  const codes = new Map<string, number>();
  for (let index = 0; index < token.length; index += 1) {
    for (let bit = 0; bit < 8; bit += 1) {
      const flipped = String.fromCharCode(token.charCodeAt(index) ^ (1 << bit));
      const mutant = token.slice(0, index) + flipped + token.slice(index + 1);
      let outcome: unknown;
      try {
        outcome = await verifier.verify(mutant);
      } catch (error) {
        outcome = error;
      }
      expect(outcome, `bit ${bit} of character ${index} verified`).toBeInstanceOf(
        TokenVerificationError,
      );
      const { code } = outcome as TokenVerificationError;
      expect(code).not.toBe('INTERNAL');
      codes.set(code, (codes.get(code) ?? 0) + 1);
    }
  }
  return codes;
}

describe('bit-flip mutation', () => {
  it.each([
    ['HS512, node:crypto', 'HS512', false],
    ['HS256, node:crypto', 'HS256', false],
    ['HS512, WebCrypto', 'HS512', true],
  ] as const)(
    'no single flipped bit of a valid token verifies (%s)',
    async (_name, alg, forceWebCrypto) => {
      const token = mintToken({ alg });
      const verifier = testVerifier({ forceWebCrypto });
      await expect(verifier.verify(token)).resolves.toBeDefined();
      const codes = await flipEveryBit(verifier, token);
      const total = [...codes.values()].reduce((sum, count) => sum + count, 0);
      expect(total).toBe(token.length * 8);
      expect(codes.get('BAD_SIGNATURE')).toBeGreaterThan(0);
      expect(codes.get('MALFORMED')).toBeGreaterThan(0);
    },
    // Thousands of real verifications: pure CPU work, which a busy CI machine can slow tenfold.
    30_000,
  );
});
