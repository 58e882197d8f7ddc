import { describe, expect, it } from 'vitest';
import {
  createApiGatewayAuthorizer,
  type ApiGatewayAuthorizerEvent,
  type ApiGatewayAuthorizerOptions,
  type Verifier,
} from '../../src/server/index.js';
import {
  HTTP_ROUTE_ARN,
  HTTP_STAGE_WILDCARD,
  REST_STAGE_WILDCARD,
  WS_STAGE_WILDCARD,
  httpApiEvent,
  restRequestEvent,
  restTokenEvent,
  webSocketConnectEvent,
} from './fixtures/api-gateway-events.js';
import { NOW, mintToken, realClaims, settle, testVerifier } from './helpers/tokens.js';

const VALID = mintToken();
const CONTEXT = {
  storeHash: 'abc123',
  customerId: 42,
  email: 'Shopper1@Example.com',
  groupId: '0',
  issuedAt: NOW - 60,
  expiresAt: NOW + 840,
};

function allow(resource: string): unknown {
  return {
    principalId: 'abc123/42',
    policyDocument: {
      Version: '2012-10-17',
      Statement: [{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: resource }],
    },
    context: CONTEXT,
  };
}

async function expectUnauthorized(promise: Promise<unknown>): Promise<void> {
  const { error, value } = await settle(promise);
  expect(value).toBeUndefined();
  expect(error).toBeInstanceOf(Error);
  expect((error as Error).message).toBe('Unauthorized');
}

async function expectMisconfigured(promise: Promise<unknown>): Promise<void> {
  const { error, value } = await settle(promise);
  expect(value).toBeUndefined();
  expect(error).toBeInstanceOf(Error);
  expect((error as Error).message).not.toBe('Unauthorized');
}

describe('createApiGatewayAuthorizer', () => {
  const handler = createApiGatewayAuthorizer(testVerifier());

  describe('REST API TOKEN', () => {
    it('allows the whole stage with the claims as context', async () => {
      expect(await handler(restTokenEvent(`Bearer ${VALID}`))).toStrictEqual(
        allow(REST_STAGE_WILDCARD),
      );
    });

    it.each([
      ['a bad signature', `Bearer ${mintToken({ secret: 'nope' })}`],
      ['another scheme', `Basic ${VALID}`],
      ['no scheme', VALID],
      ['two credentials', `Bearer ${VALID} ${VALID}`],
      [
        'an expired token',
        `Bearer ${mintToken({ claims: realClaims({ iat: NOW - 2000, exp: NOW - 1100 }) })}`,
      ],
    ])('throws Unauthorized for %s', async (_name, header) => {
      await expectUnauthorized(handler(restTokenEvent(header)));
    });
  });

  describe('REST API REQUEST', () => {
    it('reads the header in the client’s case', async () => {
      expect(await handler(restRequestEvent({ authorization: [`Bearer ${VALID}`] }))).toStrictEqual(
        allow(REST_STAGE_WILDCARD),
      );
      expect(await handler(restRequestEvent({ Authorization: [`bearer ${VALID}`] }))).toStrictEqual(
        allow(REST_STAGE_WILDCARD),
      );
    });

    it('throws Unauthorized for a repeated header or a missing token', async () => {
      await expectUnauthorized(
        handler(restRequestEvent({ Authorization: [`Bearer ${VALID}`, `Bearer ${VALID}`] })),
      );
      await expectUnauthorized(handler(restRequestEvent({})));
    });

    it('ignores the query token unless allowQueryToken', async () => {
      await expectUnauthorized(handler(restRequestEvent({}, { token: [VALID] })));
      const permissive = createApiGatewayAuthorizer(testVerifier(), { allowQueryToken: true });
      expect(await permissive(restRequestEvent({}, { token: [VALID] }))).toStrictEqual(
        allow(REST_STAGE_WILDCARD),
      );
      await expectUnauthorized(permissive(restRequestEvent({}, { token: [VALID, VALID] })));
    });
  });

  describe('HTTP API payload 2.0', () => {
    it('answers with an IAM policy by default', async () => {
      expect(await handler(httpApiEvent({ authorization: `Bearer ${VALID}` }))).toStrictEqual(
        allow(HTTP_STAGE_WILDCARD),
      );
    });

    it('answers with a simple response when simpleResponses is set', async () => {
      const simple = createApiGatewayAuthorizer(testVerifier(), { simpleResponses: true });
      expect(await simple(httpApiEvent({ authorization: `Bearer ${VALID}` }))).toStrictEqual({
        isAuthorized: true,
        context: CONTEXT,
      });
      await expectUnauthorized(
        simple(httpApiEvent({ authorization: `Bearer ${mintToken({ secret: 'nope' })}` })),
      );
    });

    it('treats comma-joined duplicate headers as ambiguous', async () => {
      await expectUnauthorized(
        handler(httpApiEvent({ authorization: `Bearer ${VALID},Bearer ${VALID}` })),
      );
      // A Bearer value joined after another scheme's is a token in the header too, so a query
      // token beside it is a token sent both ways.
      const permissive = createApiGatewayAuthorizer(testVerifier(), { allowQueryToken: true });
      const joined = { authorization: `Basic dXNlcjpwdw==, Bearer ${VALID}` };
      await expectUnauthorized(permissive(httpApiEvent(joined, `token=${VALID}`)));
      expect(await permissive(httpApiEvent({}, `token=${VALID}`))).toStrictEqual(
        allow(HTTP_STAGE_WILDCARD),
      );
    });

    it('reads the query token from rawQueryString only when allowed', async () => {
      await expectUnauthorized(handler(httpApiEvent({}, `token=${VALID}`)));
      const permissive = createApiGatewayAuthorizer(testVerifier(), { allowQueryToken: true });
      expect(await permissive(httpApiEvent({}, `a=1&token=${VALID}`))).toStrictEqual(
        allow(HTTP_STAGE_WILDCARD),
      );
      await expectUnauthorized(permissive(httpApiEvent({}, `token=${VALID}&token=${VALID}`)));
    });
  });

  it('treats undefined options as the defaults: IAM policies, no query token', async () => {
    const options: ApiGatewayAuthorizerOptions = {
      simpleResponses: undefined,
      allowQueryToken: undefined,
    };
    const defaults = createApiGatewayAuthorizer(testVerifier(), options);
    expect(await defaults(httpApiEvent({ authorization: `Bearer ${VALID}` }))).toStrictEqual(
      allow(HTTP_STAGE_WILDCARD),
    );
    await expectUnauthorized(defaults(httpApiEvent({}, `token=${VALID}`)));
  });

  it('handles HTTP API payload 1.0 like a REST REQUEST event', async () => {
    const event = {
      ...restRequestEvent({ authorization: [`Bearer ${VALID}`] }),
      version: '1.0' as const,
    };
    expect(await handler(event)).toStrictEqual(allow(REST_STAGE_WILDCARD));
    const simple = createApiGatewayAuthorizer(testVerifier(), { simpleResponses: true });
    expect(await simple(event)).toStrictEqual(allow(REST_STAGE_WILDCARD));
  });

  describe('WebSocket $connect', () => {
    it('reads the token from the query string', async () => {
      expect(await handler(webSocketConnectEvent({ token: [VALID] }))).toStrictEqual(
        allow(WS_STAGE_WILDCARD),
      );
    });

    it('throws Unauthorized for a missing, repeated or doubly sent token', async () => {
      await expectUnauthorized(handler(webSocketConnectEvent({})));
      await expectUnauthorized(handler(webSocketConnectEvent({ token: [VALID, VALID] })));
      await expectUnauthorized(
        handler(webSocketConnectEvent({ token: [VALID] }, { Authorization: [`Bearer ${VALID}`] })),
      );
    });
  });

  it('allows the stage of a local emulator’s ARN, whose account and API ids are placeholders', async () => {
    // serverless-offline 13 builds these ARNs for REST, HTTP API and WebSocket events.
    const local = 'arn:aws:execute-api:us-east-1:random-account-id:random-api-id/dev';
    expect(
      await handler({ ...restTokenEvent(`Bearer ${VALID}`), methodArn: `${local}/GET/points` }),
    ).toStrictEqual(allow(`${local}/*`));
    expect(
      await handler({
        ...httpApiEvent({ authorization: `Bearer ${VALID}` }),
        routeArn: `${local}/GET/points`,
      }),
    ).toStrictEqual(allow(`${local}/*`));
    const socket = 'arn:aws:execute-api:us-east-1:undefined:private/dev';
    expect(
      await handler({
        ...webSocketConnectEvent({ token: [VALID] }),
        methodArn: `${socket}/$connect`,
      }),
    ).toStrictEqual(allow(`${socket}/*`));
  });

  it('keeps a cached Allow from outliving the token via minRemainingSeconds', async () => {
    const cached = createApiGatewayAuthorizer(testVerifier({ minRemainingSeconds: 300 }));
    const fresh = mintToken({ claims: realClaims({ iat: NOW - 60, exp: NOW + 840 }) });
    const ending = mintToken({ claims: realClaims({ iat: NOW - 700, exp: NOW + 200 }) });
    expect(await cached(restTokenEvent(`Bearer ${fresh}`))).toMatchObject({
      principalId: 'abc123/42',
    });
    await expectUnauthorized(cached(restTokenEvent(`Bearer ${ending}`)));
  });

  it('refuses a token that would expire while a cached Allow (TTL = minRemainingSeconds) lives', async () => {
    // The README's setup: result TTL 60 s, minRemainingSeconds 60, default tolerance 30 s.
    const cached = createApiGatewayAuthorizer(testVerifier({ minRemainingSeconds: 60 }));
    const enough = mintToken({ claims: realClaims({ iat: NOW - 810, exp: NOW + 90 }) });
    const ending = mintToken({ claims: realClaims({ iat: NOW - 869, exp: NOW + 31 }) });
    expect(await cached(restTokenEvent(`Bearer ${enough}`))).toMatchObject({
      principalId: 'abc123/42',
    });
    await expectUnauthorized(cached(restTokenEvent(`Bearer ${ending}`)));
  });

  it('only puts strings and numbers in the context', async () => {
    const { context } = await handler(restTokenEvent(`Bearer ${VALID}`));
    for (const value of Object.values(context))
      expect(['string', 'number']).toContain(typeof value);
  });

  describe('misconfiguration fails with a non-401 error, never an Allow', () => {
    it.each([
      ['an unrecognised event', { hello: 'world' }],
      ['a non-object event', 'Bearer x'],
      ['a TOKEN event without methodArn', { type: 'TOKEN', authorizationToken: `Bearer ${VALID}` }],
      [
        'an ARN that is not execute-api',
        {
          type: 'TOKEN',
          authorizationToken: `Bearer ${VALID}`,
          methodArn: 'arn:aws:lambda:us-east-1:123456789012:function:x',
        },
      ],
      [
        'an ARN that is not execute-api, even when no token is sent',
        { ...restRequestEvent({}), methodArn: 'arn:aws:lambda:us-east-1:123456789012:function:x' },
      ],
      [
        'a payload 2.0 event without routeArn',
        { version: '2.0', type: 'REQUEST', headers: { authorization: `Bearer ${VALID}` } },
      ],
      [
        'a payload 2.0 event with a methodArn instead of routeArn',
        {
          ...httpApiEvent({ authorization: `Bearer ${VALID}` }),
          routeArn: undefined,
          methodArn: HTTP_ROUTE_ARN,
        },
      ],
    ])('%s', async (_name, event) => {
      await expectMisconfigured(handler(event as unknown as ApiGatewayAuthorizerEvent));
    });

    it.each([
      ['its stage', 'us-east-1:123456789012:abcdef123/*/GET/points'],
      ['its stage, for one character', 'us-east-1:123456789012:abcdef123/pro?/GET/points'],
      ['its API id', 'us-east-1:123456789012:*/prod/GET/points'],
      ['its API id, for one character', 'us-east-1:123456789012:abcdef12?/prod/GET/points'],
      ['its account', 'us-east-1:*:abcdef123/prod/GET/points'],
    ])('an ARN with an IAM wildcard in %s', async (_name, rest) => {
      const methodArn = `arn:aws:execute-api:${rest}`;
      await expectMisconfigured(handler({ ...restTokenEvent(`Bearer ${VALID}`), methodArn }));
    });

    it('a verifier that fails for its own reasons', async () => {
      const broken: Verifier = { verify: () => Promise.reject(new Error('database down')) };
      await expectMisconfigured(
        createApiGatewayAuthorizer(broken)(restTokenEvent(`Bearer ${VALID}`)),
      );
      const internal = createApiGatewayAuthorizer(testVerifier({ now: () => Number.NaN }));
      await expectMisconfigured(internal(restTokenEvent(`Bearer ${VALID}`)));
    });

    it('a missing verifier, at creation', () => {
      expect(() => createApiGatewayAuthorizer(undefined as never)).toThrow(TypeError);
    });

    it('minRemainingSeconds given to the authorizer instead of the verifier, at creation', () => {
      expect(() =>
        createApiGatewayAuthorizer(testVerifier(), { minRemainingSeconds: 60 } as never),
      ).toThrow(
        'bc-customer-auth: createApiGatewayAuthorizer has no option "minRemainingSeconds" ' +
          '(its options: simpleResponses, allowQueryToken)',
      );
    });

    it('a bare true instead of an options object (simpleResponses meant), at creation', () => {
      expect(() => createApiGatewayAuthorizer(testVerifier(), true as never)).toThrow(TypeError);
      expect(() => createApiGatewayAuthorizer(testVerifier(), true as never)).toThrow(
        'bc-customer-auth: createApiGatewayAuthorizer options must be an object',
      );
    });

    it.each(['simpleResponses', 'allowQueryToken'])(
      '%s given as a string (from the environment), at creation',
      (name) => {
        expect(() => createApiGatewayAuthorizer(testVerifier(), { [name]: 'true' })).toThrow(
          `bc-customer-auth: createApiGatewayAuthorizer option "${name}" must be a boolean`,
        );
      },
    );
  });
});

describe('authorizer: edges', () => {
  it.each([
    ['no "arn:" prefix', 'x-arn:aws:execute-api:us-east-1:123456789012:abcdef123/prod/GET/points'],
    ['another service', 'arn:aws:lambda:us-east-1:123456789012:abcdef123/prod/GET/points'],
    [
      'a wildcard partition',
      'arn:aws*:execute-api:us-east-1:123456789012:abcdef123/prod/GET/points',
    ],
    ['a wildcard region', 'arn:aws:execute-api:us-*:123456789012:abcdef123/prod/GET/points'],
    ['a wildcard account', 'arn:aws:execute-api:us-east-1:12345678901?:abcdef123/prod/GET/points'],
    ['a wildcard stage', 'arn:aws:execute-api:us-east-1:123456789012:abcdef123/pro?/GET/points'],
  ])('never allows an ARN with %s: a misconfiguration, not a 401', async (_kind, methodArn) => {
    const event = { ...restTokenEvent(`Bearer ${mintToken()}`), methodArn };
    const outcome = await settle(createApiGatewayAuthorizer(testVerifier())(event));
    expect(outcome.value).toBeUndefined();
    expect(outcome.error).toMatchObject({ message: expect.stringMatching(/misconfigured/) });
  });

  it('keeps the verifier’s refusal as the cause of its Unauthorized', async () => {
    const expired = mintToken({ claims: realClaims({ iat: NOW - 3600, exp: NOW - 2700 }) });
    const authorizer = createApiGatewayAuthorizer(testVerifier());
    const outcome = await settle(authorizer(restTokenEvent(`Bearer ${expired}`)));
    expect(outcome.error).toMatchObject({
      message: 'Unauthorized',
      cause: { code: 'EXPIRED', claim: 'exp' },
    });
  });

  it('refuses an HTTP API event carrying two Authorization keys that differ only in case', async () => {
    const event = httpApiEvent({ authorization: `Bearer ${mintToken()}` });
    const doubled = {
      ...event,
      headers: {
        ...event.headers,
        Authorization: `Bearer ${mintToken({ claims: realClaims({ customer: { id: 666, email: 'e@v.il', group_id: '0' } }) })}`,
      },
    };
    const outcome = await settle(createApiGatewayAuthorizer(testVerifier())(doubled));
    expect(outcome.value).toBeUndefined();
    expect(outcome.error).toMatchObject({
      message: 'Unauthorized',
      cause: { code: 'INVALID_REQUEST' },
    });
  });
});
