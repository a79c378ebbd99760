import type { Clock } from '../clock';
import { archiveArn, ArnScope, busNameFromArn, checkName } from './arns';
import type { EventBuses } from './buses';
import { busNotFound } from './buses';
import {
  invalidParameter,
  ResourceAlreadyExistsException,
  ResourceNotFoundException,
  ValidationException,
  validationError,
} from './errors';
import type { CompiledEventPattern } from './eventPattern';
import type { EventEnvelope } from './events';
import { Body, epochSeconds, optionalDescription, optionalNumber, optionalString, requireString } from './jsonProtocol';
import { utf8Bytes } from './limits';
import { page } from './paging';
import { compilePattern, patternText } from './patterns';

export interface ArchivedEvent {
  event: EventEnvelope;
  /** The event's `time`, epoch ms: what a replay's EventStartTime/EventEndTime select on. */
  eventTime: number;
  ingestionTime: number;
  size: number;
}

export interface ArchiveRow {
  name: string;
  arn: string;
  bus: string;
  busArn: string;
  description?: string;
  eventPattern?: string;
  matcher?: CompiledEventPattern;
  /** 0 keeps events indefinitely. */
  retentionDays: number;
  creationTime: number;
  events: ArchivedEvent[];
}

const ARCHIVE_STATES = ['ENABLED', 'DISABLED', 'CREATING', 'UPDATING', 'CREATE_FAILED', 'UPDATE_FAILED'];

function archiveNotFound(name: string): Error {
  return new ResourceNotFoundException(`Archive ${name} does not exist.`);
}

/** AWS accepts one filter at a time on ListArchives and ListReplays. */
export function oneFilter(operation: string, ...filters: (string | undefined)[]): void {
  if (filters.filter((f) => f !== undefined).length > 1)
    throw new ValidationException(
      `At most one filter is allowed for ${operation}. Use either : State, EventSourceArn, or NamePrefix.`,
    );
}

/**
 * Archives of an event bus: every accepted event that matches the archive's pattern (all events without one) is
 * kept, in memory, for RetentionDays on the platform clock. Replayed events are not archived again.
 */
/** Told of every archived event and every pruning, to keep them beyond a restart. */
export interface ArchiveKeeper {
  archived(archive: string, event: ArchivedEvent): void;
  pruned(archive: string, cutoff: number): void;
}

export class Archives {
  private readonly rows = new Map<string, ArchiveRow>();

  constructor(
    private readonly scope: ArnScope,
    private readonly clock: Clock,
    private readonly buses: EventBuses,
    private readonly keeper?: ArchiveKeeper,
  ) {}

  names(): string[] {
    return [...this.rows.keys()];
  }

  /** Events kept from before a restart, back in their archive (an archive that no longer exists drops them). */
  restore(archive: string, event: ArchivedEvent): void {
    this.rows.get(archive)?.events.push(event);
  }

  /** Keeps `event` in the matching archives of `bus`. */
  archive(bus: string, event: EventEnvelope, ingestionTime: number): void {
    if (event['replay-name'] !== undefined) return;
    for (const row of this.rows.values()) {
      if (row.bus !== bus || (row.matcher && !row.matcher.matches(event))) continue;
      const archived = {
        event,
        eventTime: Date.parse(event.time),
        ingestionTime,
        size: utf8Bytes(JSON.stringify(event)),
      };
      row.events.push(archived);
      this.keeper?.archived(row.name, archived);
    }
  }

  byArn(arn: string): ArchiveRow | undefined {
    for (const row of this.rows.values()) if (row.arn === arn) return this.pruned(row);
    return undefined;
  }

  onBusDeleted(bus: string): void {
    for (const [name, row] of this.rows) if (row.bus === bus) this.rows.delete(name);
  }

  create(b: Body): Body {
    const name = requireString(b, 'ArchiveName');
    checkName('archive', 'ArchiveName', name);
    const source = requireString(b, 'EventSourceArn');
    const bus = busNameFromArn(this.scope, source);
    if (bus === undefined)
      throw invalidParameter('EventSourceArn', `'${source}' is not an event bus ARN of this account and region.`);
    if (!this.buses.find(bus)) throw busNotFound(bus);
    const description = optionalDescription(b);
    const pattern = patternText(b);
    const matcher = pattern !== undefined ? compilePattern(pattern) : undefined;
    const retentionDays = this.retention(b) ?? 0;
    if (this.rows.has(name)) throw new ResourceAlreadyExistsException(`Archive ${name} already exists.`);
    const row: ArchiveRow = {
      name,
      arn: archiveArn(this.scope, name),
      bus,
      busArn: source,
      description,
      eventPattern: pattern,
      matcher,
      retentionDays,
      creationTime: this.clock.now(),
      events: [],
    };
    this.rows.set(name, row);
    return { ArchiveArn: row.arn, State: 'ENABLED', CreationTime: epochSeconds(row.creationTime) };
  }

  describe(b: Body): Body {
    const name = requireString(b, 'ArchiveName');
    const row = this.rows.get(name);
    if (!row) throw archiveNotFound(name);
    return {
      ArchiveArn: row.arn,
      ...this.summary(this.pruned(row)),
      ...(row.description !== undefined ? { Description: row.description } : {}),
      ...(row.eventPattern !== undefined ? { EventPattern: row.eventPattern } : {}),
    };
  }

  list(b: Body): Body {
    const prefix = optionalString(b, 'NamePrefix');
    const source = optionalString(b, 'EventSourceArn');
    const state = optionalString(b, 'State');
    oneFilter('ListArchives', prefix, source, state);
    if (state !== undefined && !ARCHIVE_STATES.includes(state))
      throw validationError('state', `Member must satisfy enum value set: [${ARCHIVE_STATES.join(', ')}]`, state);
    const result = page(
      [...this.rows.values()].filter(
        (r) =>
          (prefix === undefined || r.name.startsWith(prefix)) &&
          (source === undefined || r.busArn === source) &&
          (state === undefined || state === 'ENABLED'),
      ),
      (r) => r.name,
      `archives:${prefix ?? ''}:${source ?? ''}:${state ?? ''}`,
      optionalString(b, 'NextToken'),
      optionalNumber(b, 'Limit'),
    );
    return {
      Archives: result.items.map((r) => this.summary(this.pruned(r))),
      ...(result.nextToken ? { NextToken: result.nextToken } : {}),
    };
  }

  update(b: Body): Body {
    const name = requireString(b, 'ArchiveName');
    const row = this.rows.get(name);
    if (!row) throw archiveNotFound(name);
    const description = optionalDescription(b);
    const pattern = patternText(b);
    const matcher = pattern !== undefined ? compilePattern(pattern) : undefined;
    const retention = this.retention(b);
    if (description !== undefined) row.description = description;
    if (pattern !== undefined) {
      row.eventPattern = pattern;
      row.matcher = matcher;
    }
    if (retention !== undefined) row.retentionDays = retention;
    return { ArchiveArn: row.arn, State: 'ENABLED', CreationTime: epochSeconds(row.creationTime) };
  }

  delete(b: Body): Body {
    const name = requireString(b, 'ArchiveName');
    if (!this.rows.delete(name)) throw archiveNotFound(name);
    return {};
  }

  private retention(b: Body): number | undefined {
    const days = optionalNumber(b, 'RetentionDays');
    if (days !== undefined && (!Number.isInteger(days) || days < 0))
      throw validationError('retentionDays', 'Member must have value greater than or equal to 0', String(days));
    return days;
  }

  /** Drops events older than the retention period (measured from when they were accepted). */
  private pruned(row: ArchiveRow): ArchiveRow {
    if (row.retentionDays > 0) {
      const cutoff = this.clock.now() - row.retentionDays * 86_400_000;
      if (row.events.length && row.events[0].ingestionTime < cutoff) {
        row.events = row.events.filter((e) => e.ingestionTime >= cutoff);
        this.keeper?.pruned(row.name, cutoff);
      }
    }
    return row;
  }

  private summary(r: ArchiveRow): Body {
    return {
      ArchiveName: r.name,
      EventSourceArn: r.busArn,
      State: 'ENABLED',
      RetentionDays: r.retentionDays,
      SizeBytes: r.events.reduce((sum, e) => sum + e.size, 0),
      EventCount: r.events.length,
      CreationTime: epochSeconds(r.creationTime),
    };
  }
}
