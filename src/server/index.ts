export { createVerifier } from './verifier.js';
export type { Verifier } from './verifier.js';
export type { VerifierOptions } from './verifier-options.js';
export type { VerifiedCustomer } from './claims.js';
export {
  TokenVerificationError,
  TokenClaimError,
  InvalidRequestError,
  isTokenVerificationError,
} from './errors.js';
export type {
  TokenVerificationErrorCode,
  TokenClaimErrorCode,
  TokenVerificationErrorOptions,
} from './errors.js';
export { extractToken } from './extract-token.js';
export type { ExtractTokenOptions, HeadersLike, TokenRequestLike } from './extract-token.js';
export { requireCustomer } from './require-customer.js';
export type {
  CustomerMiddleware,
  CustomerRequest,
  RequireCustomerOptions,
  ResponseLike,
} from './require-customer.js';
export { requireCustomerUpgrade } from './require-customer-upgrade.js';
export type { UpgradeAuthenticator, UpgradeSocketLike } from './require-customer-upgrade.js';
export { createApiGatewayAuthorizer } from './api-gateway-authorizer.js';
export type {
  ApiGatewayAuthorizer,
  ApiGatewayAuthorizerOptions,
  ApiGatewayAuthorizerResult,
  AuthorizerContext,
  IamPolicyAuthorizerResult,
  SimpleAuthorizerResult,
} from './api-gateway-authorizer.js';
export type {
  ApiGatewayAuthorizerEvent,
  HttpApiAuthorizerEventV2,
  RestRequestAuthorizerEvent,
  RestTokenAuthorizerEvent,
  WebSocketConnectAuthorizerEvent,
} from './api-gateway-events.js';
