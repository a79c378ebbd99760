import type { Clock } from '../clock';
import { ResourceIds } from './persistence/resourceIds';
import { apiDestinationArn, ArnScope, checkName } from './arns';
import type { Connections } from './connections';
import { invalidParameter, ResourceAlreadyExistsException, ResourceNotFoundException, validationError } from './errors';
import { Body, epochSeconds, optionalDescription, optionalNumber, optionalString, requireString } from './jsonProtocol';
import { page } from './paging';

export type HttpMethod = 'POST' | 'GET' | 'HEAD' | 'OPTIONS' | 'PUT' | 'PATCH' | 'DELETE';
const HTTP_METHODS: readonly HttpMethod[] = ['POST', 'GET', 'HEAD', 'OPTIONS', 'PUT', 'PATCH', 'DELETE'];

/** AWS's default invocation rate limit per destination. */
const DEFAULT_RATE_LIMIT = 300;

export interface ApiDestinationRow {
  name: string;
  arn: string;
  description?: string;
  connectionArn: string;
  invocationEndpoint: string;
  httpMethod: HttpMethod;
  /** Recorded and returned; not enforced locally (deliveries are not throttled). */
  invocationRateLimitPerSecond: number;
  creationTime: number;
  lastModifiedTime: number;
}

function destinationNotFound(action: string, name: string): Error {
  return new ResourceNotFoundException(
    `Failed to ${action} the api-destination(s). An api-destination '${name}' does not exist.`,
  );
}

/**
 * API destinations: an HTTP endpoint, a method and the connection that authorizes calls to it. AWS requires
 * HTTPS; locally plain HTTP is accepted too, since local stand-ins (the functions host, test servers) serve HTTP.
 */
export class ApiDestinations {
  private readonly rows = new Map<string, ApiDestinationRow>();

  constructor(
    private readonly scope: ArnScope,
    private readonly clock: Clock,
    private readonly connections: Connections,
    private readonly ids: ResourceIds = new ResourceIds(),
  ) {}

  byArn(arn: string): ApiDestinationRow | undefined {
    for (const row of this.rows.values()) if (row.arn === arn) return row;
    return undefined;
  }

  create(b: Body): Body {
    const name = requireString(b, 'Name');
    checkName('apiDestination', 'Name', name);
    const connectionArn = requireString(b, 'ConnectionArn');
    const endpoint = requireString(b, 'InvocationEndpoint');
    const method = requireString(b, 'HttpMethod');
    const description = optionalDescription(b);
    this.checkConnection(connectionArn, 'create');
    this.checkEndpoint(endpoint);
    this.checkMethod(method);
    const rate = this.rateLimit(b) ?? DEFAULT_RATE_LIMIT;
    if (this.rows.has(name)) throw new ResourceAlreadyExistsException(`An api-destination '${name}' already exists.`);
    const now = this.clock.now();
    const row: ApiDestinationRow = {
      name,
      arn: apiDestinationArn(this.scope, name, this.ids.next()),
      description,
      connectionArn,
      invocationEndpoint: endpoint,
      httpMethod: method as HttpMethod,
      invocationRateLimitPerSecond: rate,
      creationTime: now,
      lastModifiedTime: now,
    };
    this.rows.set(name, row);
    return { ApiDestinationArn: row.arn, ApiDestinationState: 'ACTIVE', ...this.times(row) };
  }

  describe(b: Body): Body {
    const name = requireString(b, 'Name');
    const row = this.rows.get(name);
    if (!row) throw destinationNotFound('describe', name);
    return this.wire(row, true);
  }

  list(b: Body): Body {
    const prefix = optionalString(b, 'NamePrefix') ?? '';
    const connectionArn = optionalString(b, 'ConnectionArn');
    const result = page(
      [...this.rows.values()].filter(
        (r) => r.name.startsWith(prefix) && (connectionArn === undefined || r.connectionArn === connectionArn),
      ),
      (r) => r.name,
      `destinations:${prefix}:${connectionArn ?? ''}`,
      optionalString(b, 'NextToken'),
      optionalNumber(b, 'Limit'),
    );
    return {
      ApiDestinations: result.items.map((r) => this.wire(r, false)),
      ...(result.nextToken ? { NextToken: result.nextToken } : {}),
    };
  }

  update(b: Body): Body {
    const name = requireString(b, 'Name');
    const row = this.rows.get(name);
    if (!row) throw destinationNotFound('update', name);
    const description = optionalDescription(b);
    const connectionArn = optionalString(b, 'ConnectionArn');
    const endpoint = optionalString(b, 'InvocationEndpoint');
    const method = optionalString(b, 'HttpMethod');
    const rate = this.rateLimit(b);
    if (connectionArn !== undefined) this.checkConnection(connectionArn, 'update');
    if (endpoint !== undefined) this.checkEndpoint(endpoint);
    if (method !== undefined) this.checkMethod(method);
    if (description !== undefined) row.description = description;
    if (connectionArn !== undefined) row.connectionArn = connectionArn;
    if (endpoint !== undefined) row.invocationEndpoint = endpoint;
    if (method !== undefined) row.httpMethod = method as HttpMethod;
    if (rate !== undefined) row.invocationRateLimitPerSecond = rate;
    row.lastModifiedTime = this.clock.now();
    return { ApiDestinationArn: row.arn, ApiDestinationState: 'ACTIVE', ...this.times(row) };
  }

  delete(b: Body): Body {
    const name = requireString(b, 'Name');
    if (!this.rows.delete(name)) throw destinationNotFound('delete', name);
    return {};
  }

  private rateLimit(b: Body): number | undefined {
    const rate = optionalNumber(b, 'InvocationRateLimitPerSecond');
    if (rate !== undefined && (!Number.isInteger(rate) || rate < 1))
      throw validationError(
        'invocationRateLimitPerSecond',
        'Member must have value greater than or equal to 1',
        String(rate),
      );
    return rate;
  }

  private checkConnection(arn: string, action: string): void {
    if (!this.connections.byArn(arn))
      throw new ResourceNotFoundException(
        `Failed to ${action} the api-destination(s). Connection '${arn}' does not exist.`,
      );
  }

  private checkEndpoint(endpoint: string): void {
    let url: URL | undefined;
    try {
      url = new URL(endpoint);
    } catch {
      url = undefined;
    }
    if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:'))
      throw invalidParameter('InvocationEndpoint', `'${endpoint}' is not an HTTPS (or, locally, HTTP) URL.`);
  }

  private checkMethod(method: string): void {
    if (!HTTP_METHODS.includes(method as HttpMethod))
      throw validationError('httpMethod', `Member must satisfy enum value set: [${HTTP_METHODS.join(', ')}]`, method);
  }

  /** Describe includes the description; list items (the ApiDestination shape) do not have one. */
  private wire(r: ApiDestinationRow, withDescription: boolean): Body {
    return {
      ApiDestinationArn: r.arn,
      Name: r.name,
      ...(withDescription && r.description !== undefined ? { Description: r.description } : {}),
      ApiDestinationState: 'ACTIVE',
      ConnectionArn: r.connectionArn,
      InvocationEndpoint: r.invocationEndpoint,
      HttpMethod: r.httpMethod,
      InvocationRateLimitPerSecond: r.invocationRateLimitPerSecond,
      ...this.times(r),
    };
  }

  private times(r: ApiDestinationRow): Body {
    return { CreationTime: epochSeconds(r.creationTime), LastModifiedTime: epochSeconds(r.lastModifiedTime) };
  }
}
