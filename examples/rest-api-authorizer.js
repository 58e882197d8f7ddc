// @ts-check
// Lambda authorizer for a REST API, TOKEN type (identity source: the Authorization header).
// The same handler also serves a REQUEST-type authorizer.
//
// Authorizer settings: type TOKEN, token source "Authorization", result TTL 60 seconds.
// minRemainingSeconds equals the TTL, so a cached Allow never outlives the token.
import { createApiGatewayAuthorizer } from 'bc-customer-auth/server';
import { verifierFromEnv } from './verifier.js';

export const handler = createApiGatewayAuthorizer(verifierFromEnv({ minRemainingSeconds: 60 }));
