import { isTokenVerificationError } from './errors.js';

/** An error answer for a request that did not authenticate. */
export interface ChallengeResponse {
  readonly status: 400 | 401 | 500;
  readonly statusText: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

// One or more characters that a quoted string holds without escaping: the realm is never empty.
const QUOTED_STRING_SAFE = /^[\x20\x21\x23-\x5b\x5d-\x7e]+$/;

/** Checks that a realm can sit inside a quoted string without escaping. */
export function validateRealm(realm: unknown, owner: string): string {
  if (typeof realm !== 'string' || !QUOTED_STRING_SAFE.test(realm)) {
    throw new TypeError(
      `bc-customer-auth: ${owner} option "realm" must be printable ASCII without quotes or backslashes`,
    );
  }
  return realm;
}

function respond(
  status: ChallengeResponse['status'],
  challenge: string | undefined,
  body: Record<string, string>,
): ChallengeResponse {
  const headers: Record<string, string> = {
    'Cache-Control': 'no-store',
    'Content-Type': 'application/json; charset=utf-8',
  };
  if (challenge !== undefined) headers['WWW-Authenticate'] = challenge;
  const statusText = { 400: 'Bad Request', 401: 'Unauthorized', 500: 'Internal Server Error' }[
    status
  ];
  return { status, statusText, headers, body: JSON.stringify(body) };
}

/**
 * Builds the RFC 6750 answer: 401 with a bare challenge when no token was sent, 401
 * `invalid_token` for a refused token, 400 `invalid_request` for an ambiguous request, and 500
 * (no challenge) when the failure is not the caller's.
 *
 * @param error - `undefined` when the request carried no token.
 */
export function describeChallenge(error: unknown, realm: string): ChallengeResponse {
  const bearer = `Bearer realm="${realm}"`;
  if (error === undefined) return respond(401, bearer, { error: 'unauthorized' });
  if (!isTokenVerificationError(error) || error.code === 'INTERNAL') {
    return respond(500, undefined, { error: 'server_error' });
  }
  if (error.code === 'INVALID_REQUEST') {
    return respond(400, `${bearer}, error="invalid_request"`, {
      error: 'invalid_request',
      code: error.code,
    });
  }
  return respond(401, `${bearer}, error="invalid_token"`, {
    error: 'invalid_token',
    code: error.code,
  });
}
