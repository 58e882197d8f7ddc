import { decodeBase64url } from './base64url.js';
import { TokenVerificationError } from './errors.js';
import { decodeJsonSegment } from './json-segment.js';
import { readOwn } from './own-properties.js';

/** The two algorithms BigCommerce signs Current Customer tokens with. */
export type JwsAlgorithm = 'HS256' | 'HS512';

/** A compact JWS split into the parts verification needs; the payload is not decoded yet. */
export interface CompactJws {
  readonly algorithm: JwsAlgorithm;
  readonly headerSegment: string;
  /** Whether this header was already seen on a token whose signature verified. */
  readonly headerKnown: boolean;
  /** `header.payload`, the text the HMAC covers. */
  readonly signingInput: string;
  readonly payloadSegment: string;
  readonly signature: Uint8Array;
}

/** Tokens longer than this are refused before any decoding (real tokens are under 1 KB). */
export const MAX_TOKEN_LENGTH = 4096;

const SIGNATURE_LENGTH: Readonly<Record<JwsAlgorithm, number>> = { HS256: 43, HS512: 86 };
const REFUSED_HEADER_PARAMETERS = [
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
];
const HEADER_CACHE_SIZE = 16;

function readAlgorithm(headerSegment: string): JwsAlgorithm {
  const header = decodeJsonSegment(headerSegment, 'header');
  const alg = readOwn(header, 'alg');
  if (alg !== 'HS256' && alg !== 'HS512') {
    throw new TokenVerificationError('UNSUPPORTED_ALGORITHM', 'token "alg" must be HS256 or HS512');
  }
  for (const name of REFUSED_HEADER_PARAMETERS) {
    if (Object.hasOwn(header, name)) {
      throw new TokenVerificationError(
        'UNSUPPORTED_HEADER',
        `token header parameter "${name}" is not supported`,
      );
    }
  }
  const typ = readOwn(header, 'typ');
  if (typ !== undefined && (typeof typ !== 'string' || typ.toUpperCase() !== 'JWT')) {
    throw new TokenVerificationError('UNSUPPORTED_HEADER', 'token "typ" must be JWT');
  }
  return alg;
}

function malformed(reason: string): TokenVerificationError {
  return new TokenVerificationError('MALFORMED', reason);
}

/** Parses compact JWS tokens; made by {@link createCompactJwsParser}. */
export interface CompactJwsParser {
  /** Checks the shape, the header and the signature encoding; the payload stays undecoded. */
  parse(token: unknown): CompactJws;
  /** Remembers the header of a token whose signature verified, so later tokens skip decoding it. */
  remember(jws: CompactJws): void;
}

function findDots(token: string): { firstDot: number; lastDot: number } {
  if (token.length > MAX_TOKEN_LENGTH) {
    throw new TokenVerificationError(
      'TOO_LARGE',
      `token is longer than ${MAX_TOKEN_LENGTH} characters`,
    );
  }
  const firstDot = token.indexOf('.');
  const lastDot = token.lastIndexOf('.');
  const emptySegment = firstDot < 1 || lastDot - firstDot < 2 || lastDot === token.length - 1;
  if (emptySegment || token.indexOf('.', firstDot + 1) !== lastDot) {
    throw malformed('token is not three non-empty segments joined by dots');
  }
  return { firstDot, lastDot };
}

/**
 * Creates a parser for compact JWS tokens. Only headers of verified tokens are remembered (a
 * store's tokens all share one header), so forged tokens cannot crowd out the real header.
 */
export function createCompactJwsParser(): CompactJwsParser {
  const knownHeaders = new Map<string, JwsAlgorithm>();

  function parse(token: unknown): CompactJws {
    if (typeof token !== 'string') throw malformed('token must be a string');
    const { firstDot, lastDot } = findDots(token);
    const headerSegment = token.slice(0, firstDot);
    const known = knownHeaders.get(headerSegment);
    const algorithm = known ?? readAlgorithm(headerSegment);
    const signatureSegment = token.slice(lastDot + 1);
    const signature = decodeBase64url(signatureSegment);
    if (signature === undefined) throw malformed('token signature is not canonical base64url');
    if (signatureSegment.length !== SIGNATURE_LENGTH[algorithm]) {
      throw new TokenVerificationError('BAD_SIGNATURE', 'token signature has the wrong length');
    }
    return {
      algorithm,
      headerSegment,
      headerKnown: known !== undefined,
      signingInput: token.slice(0, lastDot),
      payloadSegment: token.slice(firstDot + 1, lastDot),
      signature,
    };
  }

  function remember(jws: CompactJws): void {
    if (knownHeaders.size < HEADER_CACHE_SIZE) knownHeaders.set(jws.headerSegment, jws.algorithm);
  }

  return { parse, remember };
}

/** The error for a signature that does not match: a payload that is not even base64url is `MALFORMED`. */
export function signatureMismatch(jws: CompactJws): TokenVerificationError {
  if (decodeBase64url(jws.payloadSegment) === undefined) {
    return malformed('token payload is not canonical base64url');
  }
  return new TokenVerificationError('BAD_SIGNATURE', 'token signature does not match');
}
