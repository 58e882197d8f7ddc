import type { ApiGatewayAuthorizerEvent } from './api-gateway-events.js';
import { readAuthorizerInput } from './api-gateway-events.js';
import type { VerifiedCustomer } from './claims.js';
import { isTokenVerificationError } from './errors.js';
import { assertVerifier } from './require-customer.js';
import type { Verifier } from './verifier.js';
import { knownOptions, readFlag } from './option-checks.js';

/**
 * Options of {@link createApiGatewayAuthorizer}.
 *
 * @example
 * ```ts
 * const options: ApiGatewayAuthorizerOptions = { simpleResponses: true };
 * ```
 */
export interface ApiGatewayAuthorizerOptions {
  /**
   * Answer HTTP API payload 2.0 events with simple responses (`{ isAuthorized, context }`). Set it
   * exactly when the authorizer has `EnableSimpleResponses: true`. REST and WebSocket events always
   * get an IAM policy.
   *
   * @default false
   * @example true // with EnableSimpleResponses: true
   */
  simpleResponses?: boolean | undefined;
  /**
   * Accept the `token` query parameter for REST REQUEST and HTTP API events too. WebSocket
   * `$connect` always accepts it, since browsers cannot set headers there.
   *
   * @default false
   * @example true // an HTTP API route used by an EventSource
   */
  allowQueryToken?: boolean | undefined;
}

/**
 * The authorizer context: the verified claims themselves, which are strings and numbers only, as
 * API Gateway requires (REST and WebSocket integrations receive them as strings).
 *
 * @example
 * ```ts
 * const customerId = Number(event.requestContext.authorizer.customerId); // REST, WebSocket
 * ```
 */
export type AuthorizerContext = {
  // A mapped copy rather than the interface itself: an object type, not an interface, is
  // assignable to `@types/aws-lambda`'s string-indexed context type.
  readonly [K in keyof VerifiedCustomer]: VerifiedCustomer[K];
};

/**
 * An Allow policy for the whole stage (`…/{stage}/*`), so a cached result covers every route.
 *
 * @example
 * ```ts
 * const { principalId } = (await handler(event)) as IamPolicyAuthorizerResult; // 'abc123/42'
 * ```
 */
export interface IamPolicyAuthorizerResult {
  /** `{storeHash}/{customerId}` */
  readonly principalId: string;
  /**
   * One statement allowing `execute-api:Invoke` on the whole stage (a mutable tuple, so the result
   * is assignable to `@types/aws-lambda`'s `PolicyDocument`).
   */
  readonly policyDocument: {
    readonly Version: '2012-10-17';
    readonly Statement: [
      {
        readonly Action: 'execute-api:Invoke';
        readonly Effect: 'Allow';
        readonly Resource: string;
      },
    ];
  };
  /** The verified claims, passed to your integration. */
  readonly context: AuthorizerContext;
}

/**
 * HTTP API simple response. Refusals are thrown as `Unauthorized` (401), never
 * `isAuthorized: false`.
 *
 * @example
 * ```ts
 * { isAuthorized: true, context: { storeHash: 'abc123', customerId: 42, … } }
 * ```
 */
export interface SimpleAuthorizerResult {
  /** Always `true`. */
  readonly isAuthorized: true;
  /** The verified claims, read as `event.requestContext.authorizer.lambda` downstream. */
  readonly context: AuthorizerContext;
}

/**
 * What the authorizer resolves to; it only ever resolves to an Allow.
 *
 * @example
 * ```ts
 * const result: ApiGatewayAuthorizerResult = await handler(event);
 * ```
 */
export type ApiGatewayAuthorizerResult = IamPolicyAuthorizerResult | SimpleAuthorizerResult;

/**
 * The Lambda handler from {@link createApiGatewayAuthorizer}. Rejects with `Error('Unauthorized')`
 * (API Gateway answers 401) for a missing or refused token, and with any other error (500) for an
 * unrecognised event, an unusable ARN or a verifier failure.
 *
 * @example
 * ```ts
 * export const handler: ApiGatewayAuthorizer = createApiGatewayAuthorizer(verifier);
 * ```
 */
export type ApiGatewayAuthorizer = (
  event: ApiGatewayAuthorizerEvent,
) => Promise<ApiGatewayAuthorizerResult>;

// The account and API ids are API Gateway's own, never the caller's: word characters and hyphens,
// so local emulators' placeholders (serverless-offline's `random-account-id`) work. IAM's wildcards
// (`*`, `?`) are refused everywhere: the policy covers one stage (`$default` too) of one API.
// The match is the ARN up to its stage and the slash after it; more must follow.
const EXECUTE_API_ARN_STAGE = /^arn:[a-z-]+:execute-api:[a-z0-9-]+:[\w-]+:[\w-]+\/[^/*?]+\/(?=.)/;

function misconfigured(reason: string): Error {
  return new Error(`bc-customer-auth: API Gateway authorizer misconfigured: ${reason}`);
}

function stageWildcard(arn: string): string {
  const match = EXECUTE_API_ARN_STAGE.exec(arn);
  if (match === null) throw misconfigured('the event ARN is not an execute-api ARN');
  return `${match[0]}*`;
}

async function verifyOrUnauthorized(
  verifier: Verifier,
  token: string | undefined,
): Promise<VerifiedCustomer> {
  if (token === undefined) throw new Error('Unauthorized');
  try {
    return await verifier.verify(token);
  } catch (error) {
    if (isTokenVerificationError(error) && error.code !== 'INTERNAL') {
      throw new Error('Unauthorized', { cause: error });
    }
    throw error;
  }
}

/**
 * Creates one Lambda handler for REST API TOKEN and REQUEST authorizers, HTTP API authorizers
 * (payload 1.0, or 2.0 with IAM policies or simple responses) and WebSocket `$connect` authorizers.
 * On success it returns an Allow for the whole stage, `principalId` `{storeHash}/{customerId}` and
 * the claims as `context`.
 *
 * @throws TypeError at creation when `verifier` is not a verifier, an option name is unknown, or a
 * flag is not a boolean.
 * @example
 * ```js
 * export const handler = createApiGatewayAuthorizer(
 *   createVerifier({ clientId, clientSecret, storeHashes: ['abc123'], minRemainingSeconds: 60 }),
 * );
 * ```
 */
export function createApiGatewayAuthorizer(
  verifier: Verifier,
  options: ApiGatewayAuthorizerOptions = {},
): ApiGatewayAuthorizer {
  const owner = 'createApiGatewayAuthorizer';
  assertVerifier(verifier, owner);
  const own = knownOptions(options, ['simpleResponses', 'allowQueryToken'], owner);
  const simpleResponses = readFlag(own.simpleResponses, 'simpleResponses', owner, false);
  const allowQueryToken = readFlag(own.allowQueryToken, 'allowQueryToken', owner, false);

  return async (event) => {
    let input;
    try {
      input = readAuthorizerInput(event, allowQueryToken);
    } catch (error) {
      throw new Error('Unauthorized', { cause: error });
    }
    if (input === undefined) throw misconfigured('unrecognised event (expected TOKEN or REQUEST)');
    const resource = stageWildcard(input.arn);
    const context: AuthorizerContext = await verifyOrUnauthorized(verifier, input.token);
    if (input.kind === 'http-v2' && simpleResponses) return { isAuthorized: true, context };
    return {
      principalId: `${context.storeHash}/${context.customerId}`,
      policyDocument: {
        Version: '2012-10-17',
        Statement: [{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: resource }],
      },
      context,
    };
  };
}
