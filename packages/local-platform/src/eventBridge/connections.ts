import type { Clock } from '../clock';
import { ResourceIds } from './persistence/resourceIds';
import { ArnScope, checkName, connectionArn, connectionSecretArn } from './arns';
import {
  invalidParameter,
  ResourceAlreadyExistsException,
  ResourceNotFoundException,
  ValidationException,
  validationError,
} from './errors';
import {
  Body,
  epochSeconds,
  optionalArray,
  optionalBoolean,
  optionalDescription,
  optionalNumber,
  optionalObject,
  optionalString,
  requireString,
} from './jsonProtocol';
import { page } from './paging';

export interface HttpParameter {
  Key: string;
  Value: string;
  IsValueSecret?: boolean;
}

export interface ConnectionHttpParameters {
  HeaderParameters: HttpParameter[];
  QueryStringParameters: HttpParameter[];
  BodyParameters: HttpParameter[];
}

export type AuthorizationType = 'API_KEY' | 'BASIC';

export interface ConnectionRow {
  name: string;
  arn: string;
  secretArn: string;
  description?: string;
  authorizationType: AuthorizationType;
  /** Secrets: never logged, never returned (Describe returns only the key name / user name). */
  apiKey?: { name: string; value: string };
  basic?: { username: string; password: string };
  invocationHttpParameters?: ConnectionHttpParameters;
  creationTime: number;
  lastModifiedTime: number;
}

const AUTH_TYPES = ['API_KEY', 'BASIC', 'OAUTH_CLIENT_CREDENTIALS'];

function connectionNotFound(action: string, name: string): Error {
  return new ResourceNotFoundException(`Failed to ${action} the connection(s). Connection '${name}' does not exist.`);
}

function readParameters(b: Body | undefined, field: string): HttpParameter[] {
  const list = b ? optionalArray(b, field) : undefined;
  if (!list) return [];
  return list.map((item, i) => {
    if (!item || typeof item !== 'object' || Array.isArray(item))
      throw invalidParameter(`${field}[${i}]`, 'must be an object with Key and Value.');
    const p = item as Body;
    const key = optionalString(p, 'Key');
    const value = optionalString(p, 'Value');
    if (!key) throw invalidParameter(`${field}[${i}].Key`, 'a Key is required.');
    if (value === undefined) throw invalidParameter(`${field}[${i}].Value`, 'a Value is required.');
    const secret = optionalBoolean(p, 'IsValueSecret');
    return { Key: key, Value: value, ...(secret !== undefined ? { IsValueSecret: secret } : {}) };
  });
}

/** Parameters as Describe returns them: values marked secret are left out, as AWS does. */
function parametersForWire(list: HttpParameter[]): Body[] {
  return list.map((p) =>
    p.IsValueSecret
      ? { Key: p.Key, IsValueSecret: true }
      : { Key: p.Key, Value: p.Value, IsValueSecret: !!p.IsValueSecret },
  );
}

/**
 * Connections for API destinations: the authorization (API key header or HTTP Basic) and extra invocation
 * parameters EventBridge adds to every call. OAuth client credentials are not emulated. Connections are
 * AUTHORIZED as soon as they are created, since there is nothing to exchange for API_KEY and BASIC.
 */
export class Connections {
  private readonly rows = new Map<string, ConnectionRow>();

  constructor(
    private readonly scope: ArnScope,
    private readonly clock: Clock,
    private readonly ids: ResourceIds = new ResourceIds(),
  ) {}

  byArn(arn: string): ConnectionRow | undefined {
    for (const row of this.rows.values()) if (row.arn === arn) return row;
    return undefined;
  }

  create(b: Body): Body {
    const name = requireString(b, 'Name');
    checkName('connection', 'Name', name);
    const type = requireString(b, 'AuthorizationType');
    if (!AUTH_TYPES.includes(type))
      throw validationError(
        'authorizationType',
        `Member must satisfy enum value set: [${AUTH_TYPES.join(', ')}]`,
        type,
      );
    if (type === 'OAUTH_CLIENT_CREDENTIALS')
      throw new ValidationException(
        'AuthorizationType OAUTH_CLIENT_CREDENTIALS is not supported by the local EventBridge (no token endpoint is ' +
          'called locally); use API_KEY or BASIC for local runs.',
      );
    const description = optionalDescription(b);
    const auth = optionalObject(b, 'AuthParameters');
    if (!auth) throw validationError('authParameters', 'Member must not be null');
    if (optionalObject(auth, 'OAuthParameters'))
      throw invalidParameter(
        'AuthParameters',
        'OAuthParameters can only be used with AuthorizationType OAUTH_CLIENT_CREDENTIALS.',
      );
    const apiKey = optionalObject(auth, 'ApiKeyAuthParameters');
    const basic = optionalObject(auth, 'BasicAuthParameters');
    if (this.rows.has(name)) throw new ResourceAlreadyExistsException(`Connection ${name} already exists.`);
    const id = this.ids.next();
    const now = this.clock.now();
    const row: ConnectionRow = {
      name,
      arn: connectionArn(this.scope, name, id),
      secretArn: connectionSecretArn(this.scope, name, id),
      description,
      authorizationType: type as AuthorizationType,
      creationTime: now,
      lastModifiedTime: now,
    };
    if (type === 'API_KEY') {
      if (!apiKey || basic)
        throw invalidParameter(
          'AuthParameters',
          'ApiKeyAuthParameters (and only those) must be specified for API_KEY.',
        );
      row.apiKey = { name: requireString(apiKey, 'ApiKeyName'), value: requireString(apiKey, 'ApiKeyValue') };
      if (!row.apiKey.name)
        throw invalidParameter('AuthParameters.ApiKeyAuthParameters.ApiKeyName', 'must not be empty.');
    } else {
      if (!basic || apiKey)
        throw invalidParameter('AuthParameters', 'BasicAuthParameters (and only those) must be specified for BASIC.');
      row.basic = { username: requireString(basic, 'Username'), password: requireString(basic, 'Password') };
    }
    const invocation = optionalObject(auth, 'InvocationHttpParameters');
    if (invocation)
      row.invocationHttpParameters = {
        HeaderParameters: readParameters(invocation, 'HeaderParameters'),
        QueryStringParameters: readParameters(invocation, 'QueryStringParameters'),
        BodyParameters: readParameters(invocation, 'BodyParameters'),
      };
    this.rows.set(name, row);
    return { ConnectionArn: row.arn, ConnectionState: 'AUTHORIZED', ...this.times(row) };
  }

  describe(b: Body): Body {
    const name = requireString(b, 'Name');
    const row = this.rows.get(name);
    if (!row) throw connectionNotFound('describe', name);
    const inv = row.invocationHttpParameters;
    return {
      ConnectionArn: row.arn,
      Name: row.name,
      ...(row.description !== undefined ? { Description: row.description } : {}),
      ConnectionState: 'AUTHORIZED',
      AuthorizationType: row.authorizationType,
      SecretArn: row.secretArn,
      AuthParameters: {
        ...(row.apiKey ? { ApiKeyAuthParameters: { ApiKeyName: row.apiKey.name } } : {}),
        ...(row.basic ? { BasicAuthParameters: { Username: row.basic.username } } : {}),
        ...(inv
          ? {
              InvocationHttpParameters: {
                HeaderParameters: parametersForWire(inv.HeaderParameters),
                QueryStringParameters: parametersForWire(inv.QueryStringParameters),
                BodyParameters: parametersForWire(inv.BodyParameters),
              },
            }
          : {}),
      },
      ...this.times(row),
    };
  }

  list(b: Body): Body {
    const prefix = optionalString(b, 'NamePrefix') ?? '';
    const state = optionalString(b, 'ConnectionState');
    const result = page(
      [...this.rows.values()].filter(
        (r) => r.name.startsWith(prefix) && (state === undefined || state === 'AUTHORIZED'),
      ),
      (r) => r.name,
      `connections:${prefix}:${state ?? ''}`,
      optionalString(b, 'NextToken'),
      optionalNumber(b, 'Limit'),
    );
    return {
      Connections: result.items.map((r) => ({
        ConnectionArn: r.arn,
        Name: r.name,
        ConnectionState: 'AUTHORIZED',
        AuthorizationType: r.authorizationType,
        ...this.times(r),
      })),
      ...(result.nextToken ? { NextToken: result.nextToken } : {}),
    };
  }

  /** API destinations that use a deleted connection fail their deliveries (no retry) until they are updated. */
  delete(b: Body): Body {
    const name = requireString(b, 'Name');
    const row = this.rows.get(name);
    if (!row) throw connectionNotFound('delete', name);
    this.rows.delete(name);
    return { ConnectionArn: row.arn, ConnectionState: 'DELETING', ...this.times(row) };
  }

  private times(r: ConnectionRow): Body {
    return {
      CreationTime: epochSeconds(r.creationTime),
      LastModifiedTime: epochSeconds(r.lastModifiedTime),
      LastAuthorizedTime: epochSeconds(r.creationTime),
    };
  }
}
