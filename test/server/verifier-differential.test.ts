import { jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import { TokenVerificationError, type TokenVerificationErrorCode } from '../../src/server/index.js';
import {
  CLIENT_ID,
  CLIENT_SECRET,
  NOW,
  STORE_HASH,
  encodeSegment,
  mintToken,
  realClaims,
  signSegments,
  testVerifier,
} from './helpers/tokens.js';

/** A small deterministic PRNG (mulberry32) so failures reproduce. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Mutation = (claims: Record<string, unknown>, header: Record<string, unknown>) => void;

// Each mutation is tagged with whether jose (configured as below) is expected to notice it.
const mutations: Record<string, Mutation> = {
  none: () => undefined,
  'shift times': (c) => {
    const shift =
      [-2000, -931, -930, -929, -870, 0, 869, 870, 871, 931, 2000][Math.floor(rng() * 11)] ?? 0;
    c['iat'] = (c['iat'] as number) + shift;
    c['exp'] = (c['exp'] as number) + shift;
  },
  'iss wrong': (c) => void (c['iss'] = 'bc/app'),
  'aud wrong': (c) => void (c['aud'] = 'someone-else'),
  'aud array': (c) => void (c['aud'] = [CLIENT_ID]),
  'iat missing': (c) => void delete c['iat'],
  'exp missing': (c) => void delete c['exp'],
  'exp string': (c) => void (c['exp'] = String(c['exp'])),
  'iat float': (c) => void (c['iat'] = (c['iat'] as number) + 0.5),
  'lifetime long': (c) => void (c['exp'] = (c['iat'] as number) + 3600),
  'nbf past': (c) => void (c['nbf'] = c['iat']),
  'nbf future': (c) => void (c['nbf'] = NOW + [29, 30, 31, 600][Math.floor(rng() * 4)]!),
  'nbf string': (c) => void (c['nbf'] = String(c['iat'])),
  'application_id wrong': (c) => void (c['application_id'] = 'someone-else'),
  'operation wrong': (c) => void (c['operation'] = 'other'),
  'sub wrong': (c) => void (c['sub'] = 'zzz999'),
  'store other': (c) => void ((c['sub'] = 'zzz999'), (c['store_hash'] = 'zzz999')),
  'customer id zero': (c) => void (c['customer'] = { id: 0, email: 'a@b.c', group_id: '0' }),
  'alg HS256': (_c, h) => void (h['alg'] = 'HS256'),
  'alg HS384': (_c, h) => void (h['alg'] = 'HS384'),
  'typ other': (_c, h) => void (h['typ'] = 'JOSE+JSON'),
  'crit b64': (_c, h) => void ((h['crit'] = ['b64']), (h['b64'] = true)),
  'jku present': (_c, h) => void (h['jku'] = 'https://evil.example/jwks'),
};
let rng = random(0x5eed);

/** Rejections where ours is documented to be stricter than jose's registered-claim checks. */
const STRICTER: readonly TokenVerificationErrorCode[] = [
  'CLAIM_INVALID',
  'STORE_NOT_ALLOWED',
  'UNSUPPORTED_HEADER',
];

async function joseAccepts(token: string): Promise<boolean> {
  try {
    await jwtVerify(token, new TextEncoder().encode(CLIENT_SECRET), {
      algorithms: ['HS256', 'HS512'],
      issuer: 'bc/apps',
      audience: CLIENT_ID,
      clockTolerance: 30,
      maxTokenAge: 900,
      requiredClaims: ['exp', 'iat'],
      currentDate: new Date(NOW * 1000),
    });
    return true;
  } catch {
    return false;
  }
}

function generate(count: number): { label: string; token: string }[] {
  rng = random(0x5eed);
  const names = Object.keys(mutations);
  const cases: { label: string; token: string }[] = [];
  for (let index = 0; index < count; index += 1) {
    const picked = [rng() < 0.25 ? 'none' : (names[Math.floor(rng() * names.length)] ?? 'none')];
    if (rng() < 0.3) picked.push(names[Math.floor(rng() * names.length)] ?? 'none');
    const claims = realClaims({
      customer: {
        id: 1 + Math.floor(rng() * 1000),
        email: `c${index}@example.com`,
        group_id: String(index % 4),
      },
    });
    const header: Record<string, unknown> = { typ: 'JWT', alg: 'HS512' };
    for (const name of picked) mutations[name]?.(claims, header);
    const alg = header['alg'] === 'HS256' ? 'HS256' : 'HS512';
    const secret = rng() < 0.1 ? 'wrong-secret' : CLIENT_SECRET;
    const token = signSegments(encodeSegment(header), encodeSegment(claims), { alg, secret });
    cases.push({
      label: `${picked.join(' + ')}${secret === CLIENT_SECRET ? '' : ' + wrong secret'}`,
      token,
    });
  }
  return cases;
}

describe('differential test against jose', () => {
  it('agrees with jose on 1000 generated tokens, except where ours is documented stricter', async () => {
    const verifier = testVerifier();
    const tally = { bothAccept: 0, bothReject: 0, oursStricter: 0 };
    for (const { label, token } of generate(1000)) {
      const jose = await joseAccepts(token);
      let ours: unknown;
      try {
        ours = await verifier.verify(token);
      } catch (error) {
        ours = error;
      }
      const oursAccepts = !(ours instanceof TokenVerificationError);
      if (!jose) {
        expect(oursAccepts, `ours accepted what jose rejected: ${label}`).toBe(false);
        tally.bothReject += 1;
      } else if (oursAccepts) {
        tally.bothAccept += 1;
      } else {
        expect(STRICTER, `ours rejected what jose accepted: ${label}`).toContain(
          (ours as TokenVerificationError).code,
        );
        tally.oursStricter += 1;
      }
    }
    expect(tally.bothAccept).toBeGreaterThan(50);
    expect(tally.bothReject).toBeGreaterThan(100);
    expect(tally.oursStricter).toBeGreaterThan(50);
    // 2000 real verifications: pure CPU work, which a busy CI machine can slow tenfold.
  }, 30_000);

  it('returns the same identity jose decodes when both accept', async () => {
    const token = mintToken({
      claims: realClaims({ customer: { id: 987, email: 'Mixed@Case.example', group_id: '12' } }),
    });
    const { payload } = await jwtVerify(token, new TextEncoder().encode(CLIENT_SECRET), {
      currentDate: new Date(NOW * 1000),
    });
    const ours = await testVerifier().verify(token);
    expect(ours).toStrictEqual({
      storeHash: payload['store_hash'],
      customerId: (payload['customer'] as { id: number }).id,
      email: (payload['customer'] as { email: string }).email,
      groupId: (payload['customer'] as { group_id: string }).group_id,
      issuedAt: payload.iat,
      expiresAt: payload.exp,
    });
    expect(ours.storeHash).toBe(STORE_HASH);
  });

  it('is stricter than jose on non-canonical base64url signatures', async () => {
    const token = mintToken();
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const last = alphabet.indexOf(token.slice(-1));
    const twin = token.slice(0, -1) + (alphabet[last ^ 1] ?? 'A');
    expect(await joseAccepts(twin)).toBe(true);
    await expect(testVerifier().verify(twin)).rejects.toMatchObject({ code: 'MALFORMED' });
  });
});
