// @ts-check
// A verifier for an app installed on many stores. The stores it serves are your installs as they
// are now, kept by your install and uninstall callbacks, not a list fixed when the process started.
import { createVerifier, TokenClaimError } from 'bc-customer-auth/server';

/**
 * @param {{
 *   clientId: string,
 *   clientSecret: string,
 *   isInstalled: (storeHash: string) => boolean | Promise<boolean>,
 * }} options
 * @returns {import('bc-customer-auth/server').Verifier}
 */
export function createInstalledStoresVerifier({ clientId, clientSecret, isInstalled }) {
  // Passes a token from any store; the check below binds it to a store that has your app.
  const anyStore = createVerifier({ clientId, clientSecret, storeHashes: null });
  return {
    async verify(token) {
      const customer = await anyStore.verify(token);
      // An error thrown here (the database is down) is answered 500, never 401.
      if (!(await isInstalled(customer.storeHash))) {
        throw new TokenClaimError('STORE_NOT_ALLOWED', 'store_hash', 'is not an installed store');
      }
      return customer;
    },
  };
}
