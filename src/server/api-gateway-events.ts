import { selectToken } from './extract-token.js';

type StringMap = Readonly<Record<string, string | null | undefined>> | null | undefined;
type StringListMap =
  Readonly<Record<string, readonly string[] | null | undefined>> | null | undefined;

/** REST API TOKEN authorizer input: the whole header value, `Bearer ` included. */
export interface RestTokenAuthorizerEvent {
  readonly type: 'TOKEN';
  readonly authorizationToken: string;
  /** `arn:aws:execute-api:{region}:{account}:{apiId}/{stage}/{method}/{path}` */
  readonly methodArn: string;
}

/** REST API REQUEST authorizer input (also HTTP API payload 1.0): headers in the client's case. */
export interface RestRequestAuthorizerEvent {
  readonly type: 'REQUEST';
  readonly version?: '1.0';
  readonly methodArn: string;
  readonly headers?: StringMap;
  readonly multiValueHeaders?: StringListMap;
  readonly queryStringParameters?: StringMap;
  readonly multiValueQueryStringParameters?: StringListMap;
  readonly requestContext?: object;
}

/** WebSocket API `$connect` REQUEST authorizer input; `methodArn` ends in `/$connect`. */
export interface WebSocketConnectAuthorizerEvent extends RestRequestAuthorizerEvent {
  readonly requestContext: {
    readonly routeKey: '$connect';
    readonly eventType: 'CONNECT';
    readonly connectionId: string;
  };
}

/** HTTP API authorizer input, payload format 2.0: header names lowercased, duplicates comma-joined. */
export interface HttpApiAuthorizerEventV2 {
  readonly version: '2.0';
  readonly type: 'REQUEST';
  /** `arn:aws:execute-api:{region}:{account}:{apiId}/{stage}/{method}/{path}` */
  readonly routeArn: string;
  readonly identitySource?: readonly string[] | null;
  readonly rawQueryString?: string;
  readonly headers?: StringMap;
  readonly queryStringParameters?: StringMap;
  readonly requestContext?: object;
}

/** Every authorizer input {@link createApiGatewayAuthorizer} handles. */
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

function namedValues(single: StringMap, multi: StringListMap, name: string): string[] {
  const values: string[] = [];
  const source = multi ?? single;
  if (typeof source !== 'object' || source === null) return values;
  for (const [key, value] of Object.entries(source)) {
    if (key.toLowerCase() !== name || value === undefined || value === null) continue;
    if (typeof value === 'string') values.push(value);
    else values.push(...(value as readonly string[]));
  }
  return values;
}

function exactValues(single: StringMap, multi: StringListMap, name: string): string[] {
  const value = (multi ?? single)?.[name];
  if (value === undefined || value === null) return [];
  return typeof value === 'string' ? [value] : [...value];
}

function isRecord(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === 'object' && value !== null;
}

function readHttpV2(event: HttpApiAuthorizerEventV2, allowQueryToken: boolean): AuthorizerInput {
  const headers = namedValues(event.headers, undefined, 'authorization');
  const query = new URLSearchParams(event.rawQueryString ?? '').getAll('token');
  return {
    kind: 'http-v2',
    arn: event.routeArn,
    token: selectToken(headers, allowQueryToken ? query : undefined),
  };
}

function readRequest(event: RestRequestAuthorizerEvent, allowQueryToken: boolean): AuthorizerInput {
  const context = event.requestContext;
  const isConnect = isRecord(context) && context['eventType'] === 'CONNECT';
  const headers = namedValues(event.headers, event.multiValueHeaders, 'authorization');
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
  event: unknown,
  allowQueryToken: boolean,
): AuthorizerInput | undefined {
  if (!isRecord(event)) return undefined;
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
