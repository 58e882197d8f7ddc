// @ts-check
// Verification for frameworks where requireCustomer (which takes Node's req and res and writes its
// refusal to res) does not fit: Fastify, Koa, Hono, Next.js route handlers, fetch handlers. The
// framework sends the answer; it is the one requireCustomer would send.
import { extractToken, isTokenVerificationError } from 'bc-customer-auth/server';

const CHALLENGE = 'Bearer realm="api"';

/**
 * @typedef {{ customer: import('bc-customer-auth/server').VerifiedCustomer }} Authenticated
 * @typedef {{
 *   customer?: undefined,
 *   status: 400 | 401,
 *   headers: Record<string, string>,
 *   body: { error: string, code?: string },
 * }} Refusal
 */

/**
 * Resolves to `{ customer }`, or to the refusal to send: 401 without a token or with a refused
 * one, 400 for an ambiguous request (two tokens). Rejects on INTERNAL, the verifier's own failure,
 * so the framework's error handling answers 500. Pass Node's own request where the framework has
 * one (Fastify's `request.raw`, Koa's `ctx.req`): only its `rawHeaders` still shows a repeated
 * Authorization header.
 *
 * @param {import('bc-customer-auth/server').Verifier} verifier
 * @param {import('bc-customer-auth/server').TokenRequestLike} request
 * @returns {Promise<Authenticated | Refusal>}
 */
export async function authenticate(verifier, request) {
  try {
    const token = extractToken(request);
    if (token === undefined) {
      return refusal(401, CHALLENGE, { error: 'unauthorized' });
    }
    // Key your data by (storeHash, customerId), never by email alone.
    return { customer: await verifier.verify(token) };
  } catch (error) {
    if (!isTokenVerificationError(error) || error.code === 'INTERNAL') throw error;
    const kind = error.code === 'INVALID_REQUEST' ? 'invalid_request' : 'invalid_token';
    const status = kind === 'invalid_request' ? 400 : 401;
    return refusal(status, `${CHALLENGE}, error="${kind}"`, { error: kind, code: error.code });
  }
}

/** @param {400 | 401} status @param {string} challenge @param {Refusal['body']} body @returns {Refusal} */
function refusal(status, challenge, body) {
  return { status, headers: { 'Cache-Control': 'no-store', 'WWW-Authenticate': challenge }, body };
}
