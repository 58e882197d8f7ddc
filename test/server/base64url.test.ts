import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { decodeBase64url, decodeBase64urlPortable } from '../../src/server/base64url.js';

const decoders = [
  ['native', decodeBase64url],
  ['portable', decodeBase64urlPortable],
] as const;

describe.each(decoders)('%s base64url decoder', (_name, decode) => {
  it('round-trips every length from 0 to 100 bytes', () => {
    for (let length = 0; length <= 100; length += 1) {
      const bytes = randomBytes(length);
      expect(Buffer.from(decode(bytes.toString('base64url')) ?? [])).toStrictEqual(bytes);
    }
  });

  it.each([
    ['padding', 'QQ=='],
    ['standard alphabet', 'a+b/'],
    ['whitespace', 'QUJD RA'],
    ['a newline', 'QUJD\nRA'],
    ['length ≡ 1 (mod 4)', 'QUJDR'],
    ['unused bits set (2 chars)', 'QR'],
    ['unused bits set (3 chars)', 'QUF'],
    ['non-ASCII', 'QUJé'],
    ['a dot', 'QU.J'],
  ])('rejects %s', (_label, input) => {
    expect(decode(input)).toBeUndefined();
  });

  it('accepts the canonical spellings', () => {
    expect(Buffer.from(decode('QQ') ?? []).toString()).toBe('A');
    expect(Buffer.from(decode('QUI') ?? []).toString()).toBe('AB');
    expect(Buffer.from(decode('_-8') ?? [])).toStrictEqual(Buffer.from([0xff, 0xef]));
  });
});
