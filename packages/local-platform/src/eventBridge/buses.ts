import type { Clock } from '../clock';
import { ArnScope, busArn, busNameOf, checkName } from './arns';
import { ResourceAlreadyExistsException, ResourceNotFoundException, ValidationException } from './errors';
import { Body, epochSeconds, optionalDescription, optionalNumber, optionalString, requireString } from './jsonProtocol';
import { page } from './paging';

export interface EventBusRow {
  name: string;
  arn: string;
  description?: string;
  creationTime: number;
  lastModifiedTime: number;
}

export function busNotFound(name: string): Error {
  return new ResourceNotFoundException(`Event bus ${name} does not exist.`);
}

/**
 * The account's event buses. The `default` bus always exists and cannot be deleted. Partner buses
 * (EventSourceName) are not emulated.
 */
export class EventBuses {
  private readonly rows = new Map<string, EventBusRow>();

  constructor(
    private readonly scope: ArnScope,
    private readonly clock: Clock,
    /** Rules and archives of a bus go with it. */
    private readonly onDelete: (name: string) => void,
  ) {
    const now = clock.now();
    this.rows.set('default', {
      name: 'default',
      arn: busArn(scope, 'default'),
      creationTime: now,
      lastModifiedTime: now,
    });
  }

  /** The bus named by an `EventBusName`-style member (a name or an ARN); throws ResourceNotFoundException. */
  get(nameOrArn: string | undefined, field = 'EventBusName'): EventBusRow {
    const name = busNameOf(this.scope, nameOrArn, field);
    const row = this.rows.get(name);
    if (!row) throw busNotFound(name);
    return row;
  }

  find(name: string): EventBusRow | undefined {
    return this.rows.get(name);
  }

  create(b: Body): Body {
    const name = requireString(b, 'Name');
    checkName('eventBus', 'Name', name);
    if (name.includes('/')) throw new ValidationException("Event bus name must not contain '/'.");
    if (optionalString(b, 'EventSourceName') !== undefined)
      throw new ValidationException(
        'Partner event buses (EventSourceName) are not emulated locally; create a custom bus without EventSourceName.',
      );
    const description = optionalDescription(b);
    if (this.rows.has(name)) throw new ResourceAlreadyExistsException(`Event bus ${name} already exists.`);
    const now = this.clock.now();
    const row: EventBusRow = {
      name,
      arn: busArn(this.scope, name),
      description,
      creationTime: now,
      lastModifiedTime: now,
    };
    this.rows.set(name, row);
    return { EventBusArn: row.arn, ...(description !== undefined ? { Description: description } : {}) };
  }

  describe(b: Body): Body {
    return this.wire(this.get(optionalString(b, 'Name'), 'Name'));
  }

  list(b: Body): Body {
    const prefix = optionalString(b, 'NamePrefix') ?? '';
    const result = page(
      [...this.rows.values()].filter((r) => r.name.startsWith(prefix)),
      (r) => r.name,
      `buses:${prefix}`,
      optionalString(b, 'NextToken'),
      optionalNumber(b, 'Limit'),
    );
    return {
      EventBuses: result.items.map((r) => this.wire(r)),
      ...(result.nextToken ? { NextToken: result.nextToken } : {}),
    };
  }

  /** Deleting a missing bus succeeds, as in AWS; the default bus cannot be deleted. */
  delete(b: Body): Body {
    const name = requireString(b, 'Name');
    if (name === 'default') throw new ValidationException('Cannot delete event bus default.');
    if (this.rows.delete(name)) this.onDelete(name);
    return {};
  }

  private wire(r: EventBusRow): Body {
    return {
      Name: r.name,
      Arn: r.arn,
      ...(r.description !== undefined ? { Description: r.description } : {}),
      CreationTime: epochSeconds(r.creationTime),
      LastModifiedTime: epochSeconds(r.lastModifiedTime),
    };
  }
}
