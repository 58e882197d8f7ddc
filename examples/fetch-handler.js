// @ts-check
// A fetch handler for Cloudflare Workers, Deno and Bun, where requireCustomer (which takes Node's
// req and res) does not fit. It answers the way requireCustomer does.
//   const handle = createFetchHandler(verifierFromEnv());
//   Deno.serve(handle);  Bun.serve({ fetch: handle });  export default { fetch: handle }; // Workers
// verifierFromEnv reads process.env, which Workers fill with Node.js compatibility (the default from
// compatibility date 2026-08-04, the nodejs_compat flag before) and a date from 2025-04-01; else
// call createVerifier with the values from the handler's `env` (once, not per request).
import { authenticate } from './authenticate.js';

/** @param {import('bc-customer-auth/server').Verifier} verifier */
export function createFetchHandler(verifier) {
  return async (/** @type {Request} */ request) => {
    // INTERNAL, the verifier's own failure, rejects: the runtime answers 500.
    const result = await authenticate(verifier, request);
    if (!result.customer) {
      return Response.json(result.body, { status: result.status, headers: result.headers });
    }
    const { storeHash, customerId } = result.customer;
    return Response.json({ storeHash, customerId }, { headers: { 'Cache-Control': 'no-store' } });
  };
}
