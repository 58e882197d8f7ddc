// Shared by the examples: one verifier per process, configured from the environment.
import { createVerifier } from 'bc-customer-auth/server';

/** @param {{ minRemainingSeconds?: number }} [options] */
export function verifierFromEnv(options = {}) {
  return createVerifier({
    clientId: process.env.BC_CLIENT_ID,
    clientSecret: process.env.BC_CLIENT_SECRET,
    // Comma-separated hashes of the stores this app serves, e.g. "abc123,def456".
    storeHashes: (process.env.BC_STORE_HASHES ?? '').split(',').filter(Boolean),
    ...options,
  });
}
