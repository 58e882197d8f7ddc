import { describe, expect, it, vi } from 'vitest';
import { createCompactJwsParser } from '../../src/server/compact-jws.js';
import { TokenVerificationError } from '../../src/server/index.js';
import {
  encodeSegment,
  mintToken,
  realClaims,
  signSegments,
  testVerifier,
} from './helpers/tokens.js';

describe('createCompactJwsParser', () => {
  it('splits a token without decoding the payload', () => {
    const token = mintToken();
    const [header, payload] = token.split('.');
    const jws = createCompactJwsParser().parse(token);
    expect(jws).toMatchObject({
      algorithm: 'HS512',
      headerSegment: header,
      payloadSegment: payload,
      headerKnown: false,
    });
    expect(jws.signingInput).toBe(`${header ?? ''}.${payload ?? ''}`);
    expect(jws.signature).toHaveLength(64);
  });

  it.each([
    ['four segments', (token: string) => `${token}.${token.split('.')[2] ?? ''}`],
    ['an empty header segment', (token: string) => token.slice(token.indexOf('.'))],
  ])('refuses %s by shape, before decoding anything', (_name, reshape) => {
    const parse = () => createCompactJwsParser().parse(reshape(mintToken()));
    expect(parse).toThrow(TokenVerificationError);
    expect(parse).toThrow('token is not three non-empty segments joined by dots');
  });

  it('remembers only headers it is told to (those of verified tokens)', () => {
    const parser = createCompactJwsParser();
    const forged = mintToken({ header: { alg: 'HS512', kid: 'attacker' }, secret: 'x' });
    parser.parse(forged);
    expect(parser.parse(forged).headerKnown).toBe(false);
    const real = parser.parse(mintToken());
    parser.remember(real);
    expect(parser.parse(mintToken()).headerKnown).toBe(true);
  });

  it('remembers at most 16 headers', () => {
    const parser = createCompactJwsParser();
    const withKid = (index: number) => mintToken({ header: { alg: 'HS512', kid: `k${index}` } });
    for (let index = 0; index < 17; index += 1) parser.remember(parser.parse(withKid(index)));
    expect(parser.parse(withKid(15)).headerKnown).toBe(true);
    expect(parser.parse(withKid(16)).headerKnown).toBe(false);
  });

  it('keeps verifying after many forged headers', async () => {
    const verifier = testVerifier();
    for (let index = 0; index < 40; index += 1) {
      const forged = mintToken({ header: { alg: 'HS512', kid: `k${index}` }, secret: 'x' });
      await expect(verifier.verify(forged)).rejects.toMatchObject({ code: 'BAD_SIGNATURE' });
    }
    await expect(verifier.verify(mintToken())).resolves.toMatchObject({ customerId: 42 });
    await expect(verifier.verify(mintToken())).resolves.toMatchObject({ customerId: 42 });
  });

  it('decodes a verified header only once, however many forged headers came first', async () => {
    const verifier = testVerifier();
    for (let index = 0; index < 20; index += 1) {
      const forged = mintToken({ header: { alg: 'HS512', kid: `k${index}` }, secret: 'x' });
      await expect(verifier.verify(forged)).rejects.toMatchObject({ code: 'BAD_SIGNATURE' });
    }
    await verifier.verify(mintToken());
    const parse = vi.spyOn(JSON, 'parse');
    try {
      await expect(verifier.verify(mintToken())).resolves.toMatchObject({ customerId: 42 });
      const texts = parse.mock.calls.map(([text]) => String(text));
      expect(texts.filter((text) => text.includes('"current_customer"'))).toHaveLength(1);
      expect(texts.filter((text) => text.includes('"alg"'))).toHaveLength(0);
    } finally {
      parse.mockRestore();
    }
  });
});

describe('compact JWS: typ', () => {
  it.each(['JWT ', ' JWT', 'J WT', 'JWT\n'])('refuses typ %j', async (typ) => {
    const token = signSegments(encodeSegment({ typ, alg: 'HS512' }), encodeSegment(realClaims()));
    await expect(testVerifier().verify(token)).rejects.toMatchObject({
      code: 'UNSUPPORTED_HEADER',
    });
  });
});
