// @ts-check
// Shared by the examples: one verifier per process, configured from the environment.
import { createVerifier } from 'bc-customer-auth/server';

/** @param {{ minRemainingSeconds?: number }} [options] */
export function verifierFromEnv(options = {}) {
  // An unset variable makes createVerifier throw a TypeError naming the option.
  const { BC_CLIENT_ID = '', BC_CLIENT_SECRET = '', BC_STORE_HASHES = '' } = process.env;
  return createVerifier({
    clientId: BC_CLIENT_ID,
    clientSecret: BC_CLIENT_SECRET,
    // Comma-separated hashes of the stores this app serves, e.g. "abc123,def456".
    storeHashes: BC_STORE_HASHES.split(',').filter(Boolean),
    ...options,
  });
}
