import { describe, expect, it } from 'vitest';
import {
  TokenClaimError,
  TokenVerificationError,
  createVerifier,
  isTokenVerificationError,
  type TokenVerificationErrorCode,
} from '../../src/server/index.js';
import {
  CLIENT_ID,
  CLIENT_SECRET,
  NOW,
  STORE_HASH,
  claimsWithout,
  encodeBytes,
  encodeSegment,
  hmacSegment,
  mintToken,
  realClaims,
  settle,
  signSegments,
  testVerifier,
} from './helpers/tokens.js';

const HEADER = encodeSegment({ typ: 'JWT', alg: 'HS512' });
const VALID = mintToken();
const [validHeader = '', validPayload = '', validSignature = ''] = VALID.split('.');

/** Replaces the last character of a signature with one that decodes to the same bytes. */
function nonCanonical(signature: string): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  const last = alphabet.indexOf(signature.slice(-1));
  return signature.slice(0, -1) + (alphabet[last | 1] ?? 'B'); // HS512: 4 unused bits
}

function withHeader(header: unknown): string {
  return mintToken({ header });
}

function withClaims(claims: unknown): string {
  return mintToken({ claims });
}

function withRawPayload(payloadSegment: string): string {
  return signSegments(HEADER, payloadSegment);
}

type Row = [name: string, token: unknown, code: TokenVerificationErrorCode, claim?: string];

const hostile: Row[] = [
  // Signature
  ['wrong secret', mintToken({ secret: `${CLIENT_SECRET}x` }), 'BAD_SIGNATURE'],
  [
    'signature of another payload',
    `${validHeader}.${encodeSegment(realClaims({ customer: { id: 1, email: 'a@b.c', group_id: '0' } }))}.${validSignature}`,
    'BAD_SIGNATURE',
  ],
  ['truncated signature (84 characters)', VALID.slice(0, -2), 'BAD_SIGNATURE'],
  [
    'HS256-length signature under an HS512 header',
    `${validHeader}.${validPayload}.${hmacSegment(`${validHeader}.${validPayload}`, 'HS256')}`,
    'BAD_SIGNATURE',
  ],
  [
    'HS512 header, HS256 signature made with the secret',
    signSegments(HEADER, validPayload, { alg: 'HS256' }),
    'BAD_SIGNATURE',
  ],
  ['padded signature', `${VALID}==`, 'MALFORMED'],
  [
    'non-canonical signature (unused bits set)',
    `${validHeader}.${validPayload}.${nonCanonical(validSignature)}`,
    'MALFORMED',
  ],
  [
    'standard base64 signature alphabet',
    `${validHeader}.${validPayload}.${validSignature.slice(0, -2)}+/`,
    'MALFORMED',
  ],
  ['empty signature', `${validHeader}.${validPayload}.`, 'MALFORMED'],
  // alg
  [
    'alg none with empty signature',
    `${encodeSegment({ alg: 'none' })}.${validPayload}.`,
    'MALFORMED',
  ],
  ...[
    'none',
    'None',
    'NONE',
    'nOnE',
    'HS384',
    'RS256',
    'ES256',
    'PS512',
    'EdDSA',
    'hs512',
    'HS512 ',
    '',
  ].map((alg): Row => [
    `alg ${JSON.stringify(alg)}`,
    withHeader({ typ: 'JWT', alg }),
    'UNSUPPORTED_ALGORITHM',
  ]),
  ['alg missing', withHeader({ typ: 'JWT' }), 'UNSUPPORTED_ALGORITHM'],
  ['alg null', withHeader({ alg: null }), 'UNSUPPORTED_ALGORITHM'],
  ['alg as array', withHeader({ alg: ['HS512'] }), 'UNSUPPORTED_ALGORITHM'],
  [
    'alg inherited via __proto__',
    withHeader(JSON.parse('{"__proto__":{"alg":"HS512"}}')),
    'MALFORMED',
  ],
  // Header parameters
  ...[
    'crit',
    'b64',
    'zip',
    'jku',
    'jwk',
    'x5u',
    'x5c',
    'x5t',
    'x5t#S256',
    'cty',
    'enc',
    'epk',
    'p2s',
    'p2c',
  ].map((name): Row => [
    `header "${name}"`,
    withHeader({ typ: 'JWT', alg: 'HS512', [name]: name === 'b64' ? false : ['x'] }),
    'UNSUPPORTED_HEADER',
  ]),
  ['typ JWE', withHeader({ typ: 'JWE', alg: 'HS512' }), 'UNSUPPORTED_HEADER'],
  ['typ at+jwt', withHeader({ typ: 'at+jwt', alg: 'HS512' }), 'UNSUPPORTED_HEADER'],
  ['typ as number', withHeader({ typ: 1, alg: 'HS512' }), 'UNSUPPORTED_HEADER'],
  // Segments
  ['one segment', validHeader, 'MALFORMED'],
  ['two segments', `${validHeader}.${validPayload}`, 'MALFORMED'],
  ['four segments', `${VALID}.${validSignature}`, 'MALFORMED'],
  [
    'five segments (JWE shape)',
    `${validHeader}..${validPayload}.${validPayload}.${validSignature}`,
    'MALFORMED',
  ],
  ['empty header segment', `.${validPayload}.${validSignature}`, 'MALFORMED'],
  ['empty payload segment', `${validHeader}..${validSignature}`, 'MALFORMED'],
  ['leading whitespace', ` ${VALID}`, 'MALFORMED'],
  ['trailing newline', `${VALID}\n`, 'MALFORMED'],
  ['Bearer prefix left on', `Bearer ${VALID}`, 'MALFORMED'],
  // Characters
  [
    '"*" in the payload, signed',
    withRawPayload(`${validPayload.slice(0, 10)}*${validPayload.slice(11)}`),
    'MALFORMED',
  ],
  [
    '"*" in the payload, unsigned',
    `${validHeader}.${validPayload.slice(0, 10)}*${validPayload.slice(11)}.${validSignature}`,
    'MALFORMED',
  ],
  [
    '"=" padding in the payload, signed',
    withRawPayload(`${encodeSegment(realClaims()).slice(0, -2)}==`),
    'MALFORMED',
  ],
  [
    '"+" in the header',
    `${validHeader.slice(0, -1)}+.${validPayload}.${validSignature}`,
    'MALFORMED',
  ],
  ['non-ASCII character', `${validHeader}.${validPayload}é.${validSignature}`, 'MALFORMED'],
  [
    'payload length ≡ 1 (mod 4), signed',
    withRawPayload(
      `${validPayload}${validPayload.length % 4 === 0 ? 'A' : 'AAAAA'.slice(0, 5 - (validPayload.length % 4))}`,
    ),
    'MALFORMED',
  ],
  // Encoding of the JSON
  [
    'invalid UTF-8 in the payload',
    withRawPayload(encodeBytes([0x7b, 0x22, 0xc3, 0x28, 0x22, 0x3a, 0x31, 0x7d])),
    'MALFORMED',
  ],
  [
    'overlong UTF-8 in the payload',
    withRawPayload(encodeBytes([0x7b, 0x22, 0xc0, 0xaf, 0x22, 0x3a, 0x31, 0x7d])),
    'MALFORMED',
  ],
  [
    'UTF-8 surrogate in the payload',
    withRawPayload(encodeBytes([0x7b, 0x22, 0xed, 0xa0, 0x80, 0x22, 0x3a, 0x31, 0x7d])),
    'MALFORMED',
  ],
  [
    'byte-order mark before the payload',
    withRawPayload(encodeBytes([0xef, 0xbb, 0xbf, ...Buffer.from(JSON.stringify(realClaims()))])),
    'MALFORMED',
  ],
  [
    'invalid UTF-8 in the header',
    signSegments(encodeBytes([0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d]), validPayload),
    'MALFORMED',
  ],
  [
    'trailing comma in the payload',
    withRawPayload(encodeSegment('{"iss":"bc/apps",}')),
    'MALFORMED',
  ],
  ['single quotes in the payload', withRawPayload(encodeSegment("{'iss':'bc/apps'}")), 'MALFORMED'],
  ['NaN in the payload', withRawPayload(encodeSegment('{"exp":NaN}')), 'MALFORMED'],
  ['two JSON texts in the payload', withRawPayload(encodeSegment('{}{}')), 'MALFORMED'],
  // Non-object JSON
  ...['[]', '"text"', '123', 'null', 'true'].flatMap((json): Row[] => [
    [`header ${json}`, signSegments(encodeSegment(json), validPayload), 'MALFORMED'],
    [`payload ${json}`, withRawPayload(encodeSegment(json)), 'MALFORMED'],
  ]),
  [
    'payload with own "__proto__"',
    withRawPayload(
      encodeSegment(`{"__proto__":{"iss":"bc/apps"},${JSON.stringify(realClaims()).slice(1)}`),
    ),
    'MALFORMED',
  ],
  [
    'payload with escaped "__proto__"',
    withRawPayload(encodeSegment(`{"\\u005f_proto__":{},${JSON.stringify(realClaims()).slice(1)}`)),
    'MALFORMED',
  ],
  [
    'customer.id supplied by "__proto__"',
    withRawPayload(
      encodeSegment(JSON.stringify(realClaims()).replace('"id":42', '"__proto__":{"id":42}')),
    ),
    'CLAIM_INVALID',
    'customer.id',
  ],
  // Times
  ['exp as a string', withClaims(realClaims({ exp: String(NOW + 840) })), 'CLAIM_INVALID', 'exp'],
  ['iat as a string', withClaims(realClaims({ iat: String(NOW - 60) })), 'CLAIM_INVALID', 'iat'],
  ['exp as a float', withClaims(realClaims({ exp: NOW + 840.5 })), 'CLAIM_INVALID', 'exp'],
  ['iat as a float', withClaims(realClaims({ iat: NOW - 59.5 })), 'CLAIM_INVALID', 'iat'],
  [
    'exp 1e400',
    withRawPayload(
      encodeSegment(JSON.stringify(realClaims()).replace(`"exp":${NOW + 840}`, '"exp":1e400')),
    ),
    'CLAIM_INVALID',
    'exp',
  ],
  ['exp beyond safe integers', withClaims(realClaims({ exp: 2 ** 53 })), 'CLAIM_INVALID', 'exp'],
  ['negative iat', withClaims(realClaims({ iat: -1 })), 'CLAIM_INVALID', 'iat'],
  ['exp missing', withClaims(claimsWithout('exp')), 'CLAIM_INVALID', 'exp'],
  ['iat missing', withClaims(claimsWithout('iat')), 'CLAIM_INVALID', 'iat'],
  ['exp null', withClaims(realClaims({ exp: null })), 'CLAIM_INVALID', 'exp'],
  [
    'exp far in the future',
    withClaims(realClaims({ exp: NOW + 10 * 365 * 86_400 })),
    'CLAIM_INVALID',
    'exp',
  ],
  ['exp before iat', withClaims(realClaims({ exp: NOW - 61 })), 'CLAIM_INVALID', 'exp'],
  ['exp equal to iat', withClaims(realClaims({ exp: NOW - 60 })), 'CLAIM_INVALID', 'exp'],
  [
    'issued far in the future',
    withClaims(realClaims({ iat: NOW + 86_400, exp: NOW + 87_300 })),
    'ISSUED_IN_FUTURE',
    'iat',
  ],
  [
    'expired an hour ago',
    withClaims(realClaims({ iat: NOW - 4500, exp: NOW - 3600 })),
    'EXPIRED',
    'exp',
  ],
  // Identity claims
  ['iss "bc/app"', withClaims(realClaims({ iss: 'bc/app' })), 'CLAIM_INVALID', 'iss'],
  ['iss "BC/apps"', withClaims(realClaims({ iss: 'BC/apps' })), 'CLAIM_INVALID', 'iss'],
  ['iss missing', withClaims(claimsWithout('iss')), 'CLAIM_INVALID', 'iss'],
  ['aud of another app', withClaims(realClaims({ aud: 'other-client' })), 'CLAIM_INVALID', 'aud'],
  ['aud as an array', withClaims(realClaims({ aud: [CLIENT_ID] })), 'CLAIM_INVALID', 'aud'],
  [
    'application_id of another app',
    withClaims(realClaims({ application_id: 'other-client' })),
    'CLAIM_INVALID',
    'application_id',
  ],
  [
    'application_id missing',
    withClaims(claimsWithout('application_id')),
    'CLAIM_INVALID',
    'application_id',
  ],
  [
    'operation other than current_customer',
    withClaims(realClaims({ operation: 'customer_login' })),
    'CLAIM_INVALID',
    'operation',
  ],
  ['operation missing', withClaims(claimsWithout('operation')), 'CLAIM_INVALID', 'operation'],
  [
    'another store',
    withClaims(realClaims({ store_hash: 'evil99', sub: 'evil99' })),
    'STORE_NOT_ALLOWED',
    'store_hash',
  ],
  ['sub ≠ store_hash', withClaims(realClaims({ sub: 'evil99' })), 'CLAIM_INVALID', 'sub'],
  [
    'sub ≠ store_hash (sub is ours)',
    withClaims(realClaims({ store_hash: 'evil99' })),
    'CLAIM_INVALID',
    'sub',
  ],
  [
    'store_hash with a slash',
    withClaims(realClaims({ store_hash: 'abc/123', sub: 'abc/123' })),
    'CLAIM_INVALID',
    'store_hash',
  ],
  [
    'store_hash as a number',
    withClaims(realClaims({ store_hash: 123, sub: 123 })),
    'CLAIM_INVALID',
    'store_hash',
  ],
  // Customer
  ['customer missing', withClaims(claimsWithout('customer')), 'CLAIM_INVALID', 'customer'],
  ['customer as an array', withClaims(realClaims({ customer: [42] })), 'CLAIM_INVALID', 'customer'],
  ...[0, -1, '42', 1.5, 2 ** 53, null].map((id): Row => [
    `customer.id ${JSON.stringify(id)}`,
    withClaims(realClaims({ customer: { id, email: 'a@b.c', group_id: '0' } })),
    'CLAIM_INVALID',
    'customer.id',
  ]),
  ...['', 7, null].map((email): Row => [
    `customer.email ${JSON.stringify(email)}`,
    withClaims(realClaims({ customer: { id: 42, email, group_id: '0' } })),
    'CLAIM_INVALID',
    'customer.email',
  ]),
  ...[null, 'abc', '', -1, 1.5, ' 1'].map((groupId): Row => [
    `customer.group_id ${JSON.stringify(groupId)}`,
    withClaims(realClaims({ customer: { id: 42, email: 'a@b.c', group_id: groupId } })),
    'CLAIM_INVALID',
    'customer.group_id',
  ]),
  // Size and type
  ['4097 characters', `${VALID}${'A'.repeat(4097 - VALID.length)}`, 'TOO_LARGE'],
  ['one megabyte', 'A'.repeat(1 << 20), 'TOO_LARGE'],
  ['empty string', '', 'MALFORMED'],
  ['undefined', undefined, 'MALFORMED'],
  ['null', null, 'MALFORMED'],
  ['a number', 42, 'MALFORMED'],
  ['a Buffer', Buffer.from(VALID), 'MALFORMED'],
  ['an object with toString', { toString: () => VALID }, 'MALFORMED'],
];

describe('createVerifier().verify', () => {
  it('resolves a real-shaped HS512 token to frozen, normalised claims', async () => {
    const customer = await testVerifier().verify(VALID);
    expect(customer).toStrictEqual({
      storeHash: STORE_HASH,
      customerId: 42,
      email: 'Shopper1@Example.com',
      groupId: '0',
      issuedAt: NOW - 60,
      expiresAt: NOW + 840,
    });
    expect(Object.isFrozen(customer)).toBe(true);
  });

  it('accepts HS256 tokens too', async () => {
    const customer = await testVerifier().verify(mintToken({ alg: 'HS256' }));
    expect(customer.customerId).toBe(42);
  });

  it('normalises a numeric group_id to a string', async () => {
    const token = mintToken({
      claims: realClaims({ customer: { id: 7, email: 'x@y.z', group_id: 3 } }),
    });
    expect((await testVerifier().verify(token)).groupId).toBe('3');
  });

  it.each([
    ['07', '7'],
    [7, '7'],
    ['0', '0'],
    [0, '0'],
    ['000', '0'],
    ['12345678901234567890', '12345678901234567890'],
  ])('gives one groupId spelling: group_id %j → %j', async (groupId, expected) => {
    const token = mintToken({
      claims: realClaims({ customer: { id: 7, email: 'x@y.z', group_id: groupId } }),
    });
    expect((await testVerifier().verify(token)).groupId).toBe(expected);
  });

  it('accepts a token without typ and with unknown harmless header members', async () => {
    const verifier = testVerifier();
    await expect(verifier.verify(withHeader({ alg: 'HS512' }))).resolves.toMatchObject({
      customerId: 42,
    });
    await expect(
      verifier.verify(withHeader({ alg: 'HS512', typ: 'jwt', kid: 'k1' })),
    ).resolves.toMatchObject({ customerId: 42 });
  });

  it('accepts a token of exactly 4096 characters and refuses 4097', async () => {
    const tokenWithEmail = (length: number): string =>
      mintToken({
        claims: realClaims({ customer: { id: 42, email: 'a'.repeat(length), group_id: '0' } }),
      });
    let length = 1;
    while (tokenWithEmail(length).length < 4096) length += 1;
    const token = tokenWithEmail(length);
    expect(token).toHaveLength(4096);
    await expect(testVerifier().verify(token)).resolves.toMatchObject({ customerId: 42 });
    const longer = tokenWithEmail(length + 1);
    expect(longer.length).toBeGreaterThan(4096);
    await expect(testVerifier().verify(longer)).rejects.toMatchObject({ code: 'TOO_LARGE' });
  });

  it('ignores a polluted Object.prototype when reading claims', async () => {
    const token = withClaims(claimsWithout('operation'));
    Object.defineProperty(Object.prototype, 'operation', {
      value: 'current_customer',
      configurable: true,
    });
    try {
      await expect(testVerifier().verify(token)).rejects.toMatchObject({
        code: 'CLAIM_INVALID',
        claim: 'operation',
      });
    } finally {
      Reflect.deleteProperty(Object.prototype, 'operation');
    }
  });

  it.each(hostile)('rejects %s', async (_name, token, code, claim) => {
    const { error } = await settle(testVerifier().verify(token));
    expect(error).toBeInstanceOf(TokenVerificationError);
    expect(error).toMatchObject({
      name: expect.stringMatching(/^Token(Verification|Claim)Error$/),
      code,
    });
    if (claim !== undefined) {
      expect(error).toBeInstanceOf(TokenClaimError);
      expect(error).toMatchObject({ claim });
    }
    expect(isTokenVerificationError(error, code)).toBe(true);
    const message = (error as Error).message;
    expect(message.startsWith('bc-customer-auth: ')).toBe(true);
    if (typeof token === 'string' && token.length > 20) {
      for (const segment of token.split('.')) {
        if (segment.length > 8) expect(message).not.toContain(segment);
      }
    }
  });

  it('checks the signature before parsing the payload', async () => {
    const garbage = encodeSegment('this is not JSON');
    const { error } = await settle(
      testVerifier().verify(`${validHeader}.${garbage}.${validSignature}`),
    );
    expect(error).toMatchObject({ code: 'BAD_SIGNATURE' });
  });

  it('binds the store: the same token is refused by a verifier for another store', async () => {
    const other = testVerifier({ storeHashes: ['zzz999'] });
    await expect(other.verify(VALID)).rejects.toMatchObject({
      code: 'STORE_NOT_ALLOWED',
      claim: 'store_hash',
    });
    const anyStore = testVerifier({ storeHashes: null });
    await expect(anyStore.verify(VALID)).resolves.toMatchObject({ storeHash: STORE_HASH });
  });

  it('matches store hashes exactly, case included', async () => {
    const upper = mintToken({ claims: realClaims({ store_hash: 'ABC123', sub: 'ABC123' }) });
    await expect(testVerifier().verify(upper)).rejects.toMatchObject({
      code: 'STORE_NOT_ALLOWED',
      claim: 'store_hash',
    });
    await expect(testVerifier({ storeHashes: ['ABC123'] }).verify(VALID)).rejects.toMatchObject({
      code: 'STORE_NOT_ALLOWED',
    });
    await expect(testVerifier({ storeHashes: ['ABC123'] }).verify(upper)).resolves.toMatchObject({
      storeHash: 'ABC123',
    });
  });

  it('reports a broken clock as INTERNAL rather than accepting', async () => {
    const verifier = testVerifier({ now: () => Number.NaN });
    await expect(verifier.verify(VALID)).rejects.toMatchObject({ code: 'INTERNAL' });
  });

  it('has a verify that works detached from its object', async () => {
    const { verify } = createVerifier({
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      storeHashes: [STORE_HASH],
      now: () => NOW * 1000,
    });
    await expect(verify(VALID)).resolves.toMatchObject({ customerId: 42 });
  });
});
