import { recordAuthorizationValues, selectToken, texts } from './extract-token.js';
import { ownProperties } from './own-properties.js';

type StringMap = Readonly<Record<string, string | null | undefined>> | null | undefined;
type StringListMap =
  Readonly<Record<string, readonly string[] | null | undefined>> | null | undefined;

/**
 * REST API TOKEN authorizer input: the whole header value, `Bearer ` included.
 *
 * @example
 * ```ts
 * { type: 'TOKEN', authorizationToken: `Bearer ${jwt}`, methodArn: 'arn:aws:execute-api:…/prod/GET/points' }
 * ```
 */
export interface RestTokenAuthorizerEvent {
  /** Always `TOKEN`. */
  readonly type: 'TOKEN';
  /** The configured header's whole value, for example `Bearer eyJ…`. */
  readonly authorizationToken: string;
  /** `arn:aws:execute-api:{region}:{account}:{apiId}/{stage}/{method}/{path}` */
  readonly methodArn: string;
}

/**
 * REST API REQUEST authorizer input (also HTTP API payload 1.0): headers in the client's case.
 *
 * @example
 * ```ts
 * { type: 'REQUEST', methodArn: 'arn:aws:execute-api:…/prod/GET/points',
 *   headers: { Authorization: `Bearer ${jwt}` } }
 * ```
 */
export interface RestRequestAuthorizerEvent {
  /** Always `REQUEST`. */
  readonly type: 'REQUEST';
  /** `1.0` for an HTTP API payload 1.0 event; absent for REST. */
  readonly version?: '1.0';
  /** `arn:aws:execute-api:{region}:{account}:{apiId}/{stage}/{method}/{path}` */
  readonly methodArn: string;
  /** Headers, one value each; read when `multiValueHeaders` is absent. */
  readonly headers?: StringMap;
  /** Every value of each header; preferred, so a repeated `Authorization` is seen and refused. */
  readonly multiValueHeaders?: StringListMap;
  /** Query parameters, one value each; read when the multi-value form is absent. */
  readonly queryStringParameters?: StringMap;
  /** Every value of each query parameter; preferred over `queryStringParameters`. */
  readonly multiValueQueryStringParameters?: StringListMap;
  /** Request details; `eventType: 'CONNECT'` marks a WebSocket `$connect`. */
  readonly requestContext?: object;
}

/**
 * WebSocket API `$connect` REQUEST authorizer input; `methodArn` ends in `/$connect`.
 *
 * @example
 * ```ts
 * { type: 'REQUEST', methodArn: 'arn:aws:execute-api:…/prod/$connect',
 *   queryStringParameters: { token: jwt },
 *   requestContext: { routeKey: '$connect', eventType: 'CONNECT', connectionId: 'abc=' } }
 * ```
 */
export interface WebSocketConnectAuthorizerEvent extends RestRequestAuthorizerEvent {
  /** The connection being authorized. */
  readonly requestContext: {
    readonly routeKey: '$connect';
    readonly eventType: 'CONNECT';
    readonly connectionId: string;
  };
}

/**
 * HTTP API authorizer input, payload format 2.0: header names lowercased, duplicates comma-joined.
 *
 * @example
 * ```ts
 * { version: '2.0', type: 'REQUEST', routeArn: 'arn:aws:execute-api:…/prod/GET/points',
 *   headers: { authorization: `Bearer ${jwt}` } }
 * ```
 */
export interface HttpApiAuthorizerEventV2 {
  /** `2.0` (typed `string`, as in `@types/aws-lambda`, so its handler types accept this one). */
  readonly version: string;
  /** Always `REQUEST`. */
  readonly type: 'REQUEST';
  /** `arn:aws:execute-api:{region}:{account}:{apiId}/{stage}/{method}/{path}` */
  readonly routeArn: string;
  /** The identity source values; not read (the token comes from `headers` or the query). */
  readonly identitySource?: readonly string[] | null;
  /** The query string, read for `token` when `allowQueryToken` is set (it keeps repeats). */
  readonly rawQueryString?: string;
  /** Headers, names lowercased; a comma-joined `authorization` is refused as ambiguous. */
  readonly headers?: StringMap;
  /** Query parameters, duplicates comma-joined; not read (see `rawQueryString`). */
  readonly queryStringParameters?: StringMap;
  /** Request details; not read. */
  readonly requestContext?: object;
}

/**
 * Every authorizer input `createApiGatewayAuthorizer()` handles.
 *
 * @example
 * ```ts
 * export const handler = (event: ApiGatewayAuthorizerEvent) => authorize(event);
 * ```
 */
export type ApiGatewayAuthorizerEvent =
  | RestTokenAuthorizerEvent
  | RestRequestAuthorizerEvent
  | WebSocketConnectAuthorizerEvent
  | HttpApiAuthorizerEventV2;

/** The recognised shape of an event, its ARN, and the token it carries (if any). */
export interface AuthorizerInput {
  readonly kind: 'rest-token' | 'rest-request' | 'websocket-connect' | 'http-v2';
  readonly arn: string;
  readonly token: string | undefined;
}

function authorizationValues(single: StringMap, multi: StringListMap): string[] {
  const source = multi ?? single;
  if (typeof source !== 'object' || source === null) return [];
  return recordAuthorizationValues(source);
}

function exactValues(single: StringMap, multi: StringListMap, name: string): string[] {
  const value = ownProperties(multi ?? single)[name];
  if (value === undefined || value === null) return [];
  return texts(value);
}

function readHttpV2(event: HttpApiAuthorizerEventV2, allowQueryToken: boolean): AuthorizerInput {
  const headers = authorizationValues(event.headers, undefined);
  const query = new URLSearchParams(event.rawQueryString ?? '').getAll('token');
  return {
    kind: 'http-v2',
    arn: event.routeArn,
    token: selectToken(headers, allowQueryToken ? query : undefined),
  };
}

function readRequest(event: RestRequestAuthorizerEvent, allowQueryToken: boolean): AuthorizerInput {
  const isConnect =
    ownProperties(event.requestContext as { eventType?: unknown }).eventType === 'CONNECT';
  const headers = authorizationValues(event.headers, event.multiValueHeaders);
  const query = exactValues(
    event.queryStringParameters,
    event.multiValueQueryStringParameters,
    'token',
  );
  const token = selectToken(headers, isConnect || allowQueryToken ? query : undefined);
  return { kind: isConnect ? 'websocket-connect' : 'rest-request', arn: event.methodArn, token };
}

/**
 * Recognises the event shape and reads its token. `$connect` always accepts the `token` query
 * parameter (browsers cannot set WebSocket headers); other shapes only when `allowQueryToken`.
 *
 * @returns `undefined` for an event this handler does not recognise.
 * @throws InvalidRequestError when the token is sent ambiguously.
 */
export function readAuthorizerInput(
  input: unknown,
  allowQueryToken: boolean,
): AuthorizerInput | undefined {
  // A non-object spreads to no `type`, so it is not recognised either.
  const event = ownProperties(input as Readonly<Record<string, unknown>>);
  if (event['type'] === 'TOKEN' && typeof event['authorizationToken'] === 'string') {
    const { methodArn, authorizationToken } = event as unknown as RestTokenAuthorizerEvent;
    if (typeof methodArn !== 'string') return undefined;
    return {
      kind: 'rest-token',
      arn: methodArn,
      token: selectToken([authorizationToken], undefined),
    };
  }
  if (event['type'] !== 'REQUEST') return undefined;
  if (event['version'] === '2.0' && typeof event['routeArn'] === 'string') {
    return readHttpV2(event as unknown as HttpApiAuthorizerEventV2, allowQueryToken);
  }
  if (event['version'] === '2.0' || typeof event['methodArn'] !== 'string') return undefined;
  return readRequest(event as unknown as RestRequestAuthorizerEvent, allowQueryToken);
}
