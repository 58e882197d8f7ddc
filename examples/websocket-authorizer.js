// @ts-check
// Lambda authorizer for a WebSocket API's $connect route. Browsers cannot set headers on a
// WebSocket, so the token travels as ?token=… (bcAuthWebSocket does this).
//
// Authorizer settings: type REQUEST, identity source "route.request.querystring.token".
// WebSocket authorizers only run once per connection, so no result caching is involved.
import { createApiGatewayAuthorizer } from 'bc-customer-auth/server';
import { verifierFromEnv } from './verifier.js';

export const handler = createApiGatewayAuthorizer(verifierFromEnv());
