// @ts-check
// Lambda authorizer for an HTTP API: payload format 2.0 with simple responses.
//
// Authorizer settings: AuthorizerPayloadFormatVersion "2.0", EnableSimpleResponses true,
// identity source "$request.header.Authorization", result TTL 60 seconds.
import { createApiGatewayAuthorizer } from 'bc-customer-auth/server';
import { verifierFromEnv } from './verifier.js';

export const handler = createApiGatewayAuthorizer(verifierFromEnv({ minRemainingSeconds: 60 }), {
  simpleResponses: true,
});
