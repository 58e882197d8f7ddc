import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { REPO_ROOT } from './packed-package.js';

// A user's TypeScript module using both entries. The @ts-expect-error lines fail the check if the
// package's types ever resolve to `any`.
const CONSUMER_SOURCE = `
import {
  bcAuthFetch,
  configure,
  createCustomerAuth,
  isCustomerAuthError,
  type AuthEventSourceInit,
  type AuthWebSocketOptions,
  type CustomerAuthClient,
  type CustomerAuthErrorCode,
  type CustomerAuthEventMap,
  type CustomerAuthEventName,
  type CustomerAuthListener,
  type CustomerAuthOptions,
  type CustomerSummary,
  type GetTokenOptions,
  type InvalidateReason,
} from 'bc-customer-auth';
import {
  createApiGatewayAuthorizer,
  createVerifier,
  isTokenVerificationError,
  requireCustomer,
  type VerifiedCustomer,
  type Verifier,
} from 'bc-customer-auth/server';

const options: CustomerAuthOptions = {
  appClientId: 'your-app-client-id',
  allowedOrigins: ['https://api.example.com'],
  maxTokenAgeMs: 5000,
};
export const client: CustomerAuthClient = createCustomerAuth(options);
export const configured: CustomerAuthClient = configure(options);
export const response: Promise<Response> = bcAuthFetch('https://api.example.com/points');
export const customer: CustomerSummary | null = client.getCustomer();
export const stop: () => void = client.on('logout', ({ previous }) => previous.id.toFixed());
// Every public type name (README, API) resolves.
const reasons: InvalidateReason[] = ['logout'];
const onInvalidate: CustomerAuthListener<'invalidate'> = ({ reason }) => reasons.push(reason);
const eventName: CustomerAuthEventName = 'invalidate';
export const stopInvalidate = client.on(eventName, onInvalidate);
export const detail: CustomerAuthEventMap['token'] = { customer: customer! };
export const tokenOptions: GetTokenOptions = { force: true };
export const socketOptions: AuthWebSocketOptions = {};
export const sourceInit: AuthEventSourceInit = { withCredentials: true };
export const notSignedIn: CustomerAuthErrorCode = 'NOT_SIGNED_IN';
export const code = (error: unknown): string | undefined =>
  isCustomerAuthError(error) ? error.code : undefined;
// @ts-expect-error appClientId is required
createCustomerAuth({ allowedOrigins: [] });

export const verifier: Verifier = createVerifier({
  clientId: 'your-app-client-id',
  clientSecret: 'your-app-client-secret',
  storeHashes: ['abc123'],
});
export async function customerId(token: string): Promise<number> {
  const verified: VerifiedCustomer = await verifier.verify(token);
  return verified.customerId;
}
export const reason = (error: unknown): boolean => isTokenVerificationError(error);
export const middleware = requireCustomer(verifier);
export const authorizer = createApiGatewayAuthorizer(verifier);
// @ts-expect-error storeHashes is required
createVerifier({ clientId: 'id', clientSecret: 'secret' });
`;

/** The module settings a consumer pairs with each `moduleResolution`. */
const MODULE_FOR: Record<'nodenext' | 'bundler', string> = {
  nodenext: 'nodenext',
  bundler: 'esnext',
};

/**
 * Writes the consumer module and a strict tsconfig for `moduleResolution` into `projectDir`, and
 * returns the tsconfig's path. Library declarations are checked too (`skipLibCheck: false`).
 */
export async function writeTypeScriptConsumer(
  projectDir: string,
  moduleResolution: 'nodenext' | 'bundler',
): Promise<string> {
  await writeFile(join(projectDir, 'consumer.ts'), CONSUMER_SOURCE);
  const tsconfig = {
    compilerOptions: {
      module: MODULE_FOR[moduleResolution],
      moduleResolution,
      target: 'es2022',
      lib: ['es2022', 'dom'],
      types: ['node'],
      typeRoots: [join(REPO_ROOT, 'node_modules', '@types')],
      strict: true,
      exactOptionalPropertyTypes: true,
      skipLibCheck: false,
      noEmit: true,
    },
    files: ['consumer.ts'],
  };
  const path = join(projectDir, `tsconfig.${moduleResolution}.json`);
  await writeFile(path, JSON.stringify(tsconfig, null, 2));
  return path;
}
