// @ts-check
// A fetch handler for Cloudflare Workers, Deno and Bun, where requireCustomer (which takes Node's
// req and res) does not fit. It answers the way requireCustomer does.
//   const handle = createFetchHandler(verifierFromEnv());
//   Deno.serve(handle);  Bun.serve({ fetch: handle });  export default { fetch: handle }; // Workers
import { extractToken, isTokenVerificationError } from 'bc-customer-auth/server';

const CHALLENGE = 'Bearer realm="api"';

/** @param {number} status @param {object} body @param {string} [challenge] */
function answer(status, body, challenge) {
  /** @type {Record<string, string>} */
  const headers = { 'Cache-Control': 'no-store' };
  if (challenge) headers['WWW-Authenticate'] = challenge;
  return Response.json(body, { status, headers });
}

/** @param {import('bc-customer-auth/server').Verifier} verifier */
export function createFetchHandler(verifier) {
  return async (/** @type {Request} */ request) => {
    try {
      const token = extractToken(request);
      if (token === undefined) return answer(401, { error: 'unauthorized' }, CHALLENGE);
      // Key your data by (storeHash, customerId), never by email alone.
      const { storeHash, customerId } = await verifier.verify(token);
      return answer(200, { storeHash, customerId });
    } catch (error) {
      // INTERNAL is the verifier's own failure, not the caller's: let the runtime answer 500.
      if (!isTokenVerificationError(error) || error.code === 'INTERNAL') throw error;
      const kind = error.code === 'INVALID_REQUEST' ? 'invalid_request' : 'invalid_token';
      const status = kind === 'invalid_request' ? 400 : 401;
      return answer(status, { error: kind, code: error.code }, `${CHALLENGE}, error="${kind}"`);
    }
  };
}
