export {
  CLOSE_CODE_CUSTOMER_CHANGE,
  CLOSE_CODE_LOGOUT,
  type AuthEventSourceInit,
  type AuthWebSocketOptions,
} from './auth-socket.js';
export { createCustomerAuth, type CustomerAuthClient, type GetTokenOptions } from './client.js';
export {
  bcAuthEventSource,
  bcAuthFetch,
  bcAuthWebSocket,
  configure,
  getDefaultClient,
} from './default-client.js';
export {
  CustomerAuthError,
  InvalidTokenError,
  isCustomerAuthError,
  NotSignedInError,
  OriginNotAllowedError,
  TokenRequestError,
  UnauthorizedError,
  type CustomerAuthErrorCode,
  type CustomerAuthErrorContext,
} from './errors.js';
export type {
  CustomerAuthEventMap,
  CustomerAuthEventName,
  CustomerAuthListener,
  InvalidateReason,
} from './events.js';
export type { CustomerAuthOptions } from './options.js';
export type { CustomerSummary } from './token-source.js';
