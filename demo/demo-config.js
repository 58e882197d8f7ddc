// The demo's settings: printed defaults, overridable through environment variables.

/** The defaults `npm start` prints. The secret is a demo value, not a real app's. */
export const DEMO_DEFAULTS = Object.freeze({
  storefrontPort: 3000,
  apiPort: 3001,
  clientId: 'bc-customer-auth-demo',
  clientSecret: 'demo-client-secret-for-local-use-only',
  storeHash: 'abc123',
});

/**
 * @typedef {object} DemoConfig
 * @property {number} storefrontPort
 * @property {number} apiPort
 * @property {string} clientId
 * @property {string} clientSecret
 * @property {string} storeHash
 * @property {boolean} customSecret Whether `BC_CLIENT_SECRET` replaced the demo secret.
 */

/** A setting from the environment is unusable; the message names the variable. */
export class DemoConfigError extends Error {
  /** @param {string} message */
  constructor(message) {
    super(message);
    this.name = 'DemoConfigError';
  }
}

/**
 * @param {string | undefined} value
 * @param {string} name
 * @param {number} fallback
 */
function readPort(value, name, fallback) {
  if (value === undefined || value === '') return fallback;
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65535) {
    throw new DemoConfigError(`${name} must be a port number from 0 to 65535, not "${value}"`);
  }
  return port;
}

/**
 * @param {string | undefined} value
 * @param {string} name
 * @param {string} fallback
 * @param {RegExp} [pattern]
 */
function readText(value, name, fallback, pattern = /^\S+$/) {
  if (value === undefined || value === '') return fallback;
  if (!pattern.test(value)) throw new DemoConfigError(`${name} has an unusable value`);
  return value;
}

/**
 * Reads `STOREFRONT_PORT`, `API_PORT`, `BC_CLIENT_ID`, `BC_CLIENT_SECRET` and `BC_STORE_HASH`,
 * falling back to {@link DEMO_DEFAULTS}. Empty values count as unset.
 *
 * @param {Record<string, string | undefined>} env
 * @returns {DemoConfig}
 * @throws {DemoConfigError} naming the first unusable variable (never echoing the secret).
 */
export function readDemoConfig(env) {
  const storefrontPort = readPort(
    env['STOREFRONT_PORT'],
    'STOREFRONT_PORT',
    DEMO_DEFAULTS.storefrontPort,
  );
  const apiPort = readPort(env['API_PORT'], 'API_PORT', DEMO_DEFAULTS.apiPort);
  if (storefrontPort !== 0 && storefrontPort === apiPort) {
    throw new DemoConfigError('STOREFRONT_PORT and API_PORT must differ');
  }
  const clientSecret = readText(
    env['BC_CLIENT_SECRET'],
    'BC_CLIENT_SECRET',
    DEMO_DEFAULTS.clientSecret,
  );
  return {
    storefrontPort,
    apiPort,
    clientId: readText(env['BC_CLIENT_ID'], 'BC_CLIENT_ID', DEMO_DEFAULTS.clientId, /^[\w-]+$/),
    clientSecret,
    storeHash: readText(
      env['BC_STORE_HASH'],
      'BC_STORE_HASH',
      DEMO_DEFAULTS.storeHash,
      /^[A-Za-z0-9_-]{1,64}$/,
    ),
    customSecret: clientSecret !== DEMO_DEFAULTS.clientSecret,
  };
}
