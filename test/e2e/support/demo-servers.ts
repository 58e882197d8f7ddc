import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Demo, StartDemoOptions } from '../../../demo/start-demo.js';
import { startTestDemo } from '../../demo/support/demo-harness.js';
import { decodeJwtPayload } from '../../support/jwt-payload.js';

/** The SDK's close code for the sockets of a shopper who signed out (README, Constants). */
export const CLOSE_CODE_LOGOUT = 4001;

/** The SDK's close code for the sockets of a shopper replaced by another (README, Constants). */
export const CLOSE_CODE_CUSTOMER_CHANGE = 4002;

/** The longest `maxTokenAgeMs`: only an identity event, never age, drops the cached token. */
export const LONG_TOKEN_AGE_MS = 60_000;

export {
  CLIENT_ID,
  CLIENT_SECRET,
  SHOPPER_1,
  SHOPPER_2,
  STORE_HASH,
  signToken,
} from '../../demo/support/demo-harness.js';

/**
 * Starts the storefront and the loyalty API on free ports, serving the built `dist/` (the test
 * command builds first). Close it in `afterAll`/`afterEach`.
 */
export function startDemoServers(options: Partial<StartDemoOptions> = {}): Promise<Demo> {
  const bundle = fileURLToPath(new URL('../../../dist/bc-customer-auth.iife.js', import.meta.url));
  if (!existsSync(bundle)) {
    throw new Error(`${bundle} is missing: run "npm run build" first (npm test does)`);
  }
  return startTestDemo(options);
}

export { decodeJwtPayload };

/** The customer id named by a request's `Authorization: Bearer` token, if any. */
export function bearerCustomerId(authorization: string | undefined): number | undefined {
  const match = /^Bearer (\S+)$/.exec(authorization ?? '');
  return match ? decodeJwtPayload(match[1]!).customer.id : undefined;
}
