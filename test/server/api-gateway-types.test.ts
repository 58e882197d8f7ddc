// The shapes `@types/aws-lambda` gives authorizer events and results, restated in the few fields
// that decide assignability, so a Lambda project that types its handlers with them can pass ours
// through. `npm run check` type-checks this file, so a type regression fails there; the assertions
// below check the values.
import { describe, expect, it } from 'vitest';
import {
  createApiGatewayAuthorizer,
  type IamPolicyAuthorizerResult,
  type SimpleAuthorizerResult,
} from '../../src/server/index.js';
import { httpApiEvent, restTokenEvent } from './fixtures/api-gateway-events.js';
import { mintToken, testVerifier } from './helpers/tokens.js';

/** aws-lambda's `APIGatewayAuthorizerResultContext`: a string index, not named fields. */
interface LambdaContext {
  [name: string]: string | number | boolean | null | undefined;
}

/** aws-lambda's `APIGatewayAuthorizerResult`: a mutable `Statement` array. */
interface LambdaIamResult {
  principalId: string;
  policyDocument: {
    Version: string;
    Statement: {
      Effect: 'Allow' | 'Deny';
      Action: string | string[];
      Resource: string | string[];
    }[];
  };
  context?: LambdaContext | null;
}

/** aws-lambda's `APIGatewaySimpleAuthorizerWithContextResult`. */
interface LambdaSimpleResult {
  isAuthorized: boolean;
  context: LambdaContext;
}

/** aws-lambda's `APIGatewayRequestAuthorizerEventV2`: `version` is any string. */
interface LambdaEventV2 {
  version: string;
  type: 'REQUEST';
  routeArn: string;
  identitySource: string[];
  rawQueryString: string;
  headers?: Record<string, string | undefined>;
}

describe('interplay with @types/aws-lambda handler types', () => {
  const jwt = mintToken();

  it('an IAM result is an aws-lambda APIGatewayAuthorizerResult', async () => {
    const authorize = createApiGatewayAuthorizer(testVerifier());
    const typed = async (event: { type: 'TOKEN'; methodArn: string; authorizationToken: string }) =>
      (await authorize(event)) as IamPolicyAuthorizerResult;
    const result: LambdaIamResult = await typed(restTokenEvent(`Bearer ${jwt}`));
    expect(result.policyDocument.Statement).toHaveLength(1);
    expect(result.context?.['customerId']).toBe(42);
  });

  it('an aws-lambda payload 2.0 event is accepted, and a simple result is theirs', async () => {
    const authorize = createApiGatewayAuthorizer(testVerifier(), { simpleResponses: true });
    const { routeArn } = httpApiEvent({});
    const event: LambdaEventV2 = {
      version: '2.0',
      type: 'REQUEST',
      routeArn,
      identitySource: [`Bearer ${jwt}`],
      rawQueryString: '',
      headers: { authorization: `Bearer ${jwt}` },
    };
    const result: LambdaSimpleResult = (await authorize(event)) as SimpleAuthorizerResult;
    expect(result).toMatchObject({ isAuthorized: true, context: { customerId: 42 } });
  });
});
