import { randomUUID } from 'node:crypto';
import type { Clock } from '../clock';
import { ArnScope, busNameOf } from './arns';
import type { EventBuses } from './buses';
import { EventBridgeApiError, ValidationException, validationError } from './errors';
import type { PutEventsEntry, PutEventsFaults } from './faults';
import { Body, optionalArray, optionalString } from './jsonProtocol';
import { MAX_ENTRY_BYTES, MAX_PUT_EVENTS_ENTRIES, TIME_ENTRY_BYTES, utf8Bytes } from './limits';

/** An event as EventBridge delivers it to rules and targets. */
export interface EventEnvelope {
  version: '0';
  id: string;
  'detail-type': string;
  source: string;
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: Record<string, unknown>;
  /** Set on events sent again by a replay (EventBridge User Guide, "Replaying archived events"). */
  'replay-name'?: string;
}

/** An accepted event on its way to a bus's archives and rules. */
export interface IngestedEvent {
  bus: string;
  event: EventEnvelope;
  /** When EventBridge accepted it (epoch ms): the origin of MaximumEventAgeInSeconds and ingestion-time. */
  ingestionTime: number;
  /** Buses crossed before this one (bus-to-bus targets). */
  hops: number;
}

export type EntryResult = { EventId: string } | { ErrorCode: string; ErrorMessage: string };

/** Event times have second precision, as AWS writes them: `2026-01-05T09:00:00Z`. */
export function isoSeconds(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * The documented entry size: Time counts 14 bytes when present; Source, DetailType, Detail and each Resource
 * count their UTF-8 bytes (EventBridge User Guide, "Calculating PutEvents event entry size").
 */
export function entrySize(entry: PutEventsEntry): number {
  let size = entry.Time !== undefined && entry.Time !== null ? TIME_ENTRY_BYTES : 0;
  for (const field of ['Source', 'DetailType', 'Detail'])
    if (typeof entry[field] === 'string') size += utf8Bytes(entry[field] as string);
  if (Array.isArray(entry.Resources)) for (const r of entry.Resources) if (typeof r === 'string') size += utf8Bytes(r);
  return size;
}

function entryTime(entry: PutEventsEntry, now: number): number | undefined {
  const t = entry.Time;
  if (t === undefined || t === null) return now;
  if (typeof t === 'number' && Number.isFinite(t)) return t * 1000;
  if (t instanceof Date && !Number.isNaN(t.getTime())) return t.getTime();
  if (typeof t === 'string' && !Number.isNaN(Date.parse(t))) return Date.parse(t);
  return undefined;
}

function invalidArgument(parameter: string, reason: string): EntryResult {
  return { ErrorCode: 'InvalidArgument', ErrorMessage: `Parameter ${parameter} is not valid. Reason: ${reason}` };
}

export interface PutEventsDeps {
  scope: ArnScope;
  clock: Clock;
  buses: EventBuses;
  faults: PutEventsFaults;
}

/**
 * Reads a PutEvents request. Request-level problems (no entries, more than 10, an oversized batch) are a
 * ValidationException; problems with one entry are that entry's ErrorCode/ErrorMessage and the others are
 * accepted, as AWS answers. Results are in request order.
 */
export function readPutEvents(
  b: Body,
  deps: PutEventsDeps,
): { failedEntryCount: number; results: EntryResult[]; accepted: IngestedEvent[] } {
  if (optionalString(b, 'EndpointId') !== undefined)
    throw new ValidationException('EndpointId (global endpoints) is not emulated locally; omit it.');
  const entries = optionalArray(b, 'Entries');
  if (!entries) throw validationError('entries', 'Member must not be null');
  const shown = `[${entries.length} PutEventsRequestEntry]`;
  if (entries.length < 1) throw validationError('entries', 'Member must have length greater than or equal to 1', '[]');
  if (entries.length > MAX_PUT_EVENTS_ENTRIES)
    throw validationError('entries', `Member must have length less than or equal to ${MAX_PUT_EVENTS_ENTRIES}`, shown);
  for (const e of entries)
    if (!e || typeof e !== 'object' || Array.isArray(e))
      throw validationError('entries.member', 'Member must not be null');
  const list = entries as PutEventsEntry[];
  // The limit applies to the entries of one request together (a single entry may use all of it).
  const total = list.reduce((sum, e) => sum + entrySize(e), 0);
  if (total > MAX_ENTRY_BYTES)
    throw new ValidationException(
      `Total size of the entries in the request is over the limit. (${total} bytes by the documented entry-size ` +
        `computation; the limit is ${MAX_ENTRY_BYTES}.)`,
    );

  const now = deps.clock.now();
  const results: EntryResult[] = [];
  const accepted: IngestedEvent[] = [];
  for (const entry of list) {
    const result = readEntry(entry, deps, now);
    if ('event' in result) {
      const fault = deps.faults.take(entry);
      if (fault) {
        results.push(fault);
        continue;
      }
      accepted.push(result.event);
      results.push({ EventId: result.event.event.id });
    } else {
      results.push(result);
    }
  }
  return { failedEntryCount: results.filter((r) => 'ErrorCode' in r).length, results, accepted };
}

function readEntry(entry: PutEventsEntry, deps: PutEventsDeps, now: number): EntryResult | { event: IngestedEvent } {
  const { Source: source, DetailType: detailType, Detail: detail } = entry;
  if (typeof source !== 'string' || source === '') return invalidArgument('Source', 'Source is a required argument.');
  if (typeof detailType !== 'string' || detailType === '')
    return invalidArgument('DetailType', 'DetailType is a required argument.');
  if (typeof detail !== 'string' || detail === '') return invalidArgument('Detail', 'Detail is a required argument.');
  let parsed: unknown;
  try {
    parsed = JSON.parse(detail);
  } catch {
    return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' };
  }
  // EventBridge only takes a JSON object as detail: a string, number, array or null is malformed.
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed))
    return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' };
  const resources = entry.Resources ?? [];
  if (!Array.isArray(resources) || resources.some((r) => typeof r !== 'string'))
    return invalidArgument('Resources', 'Resources must be a list of strings.');
  const time = entryTime(entry, now);
  if (time === undefined) return invalidArgument('Time', 'Time must be a timestamp.');
  if (entry.EventBusName !== undefined && typeof entry.EventBusName !== 'string')
    return invalidArgument('EventBusName', 'EventBusName must be a string.');
  let bus: string;
  try {
    bus = busNameOf(deps.scope, entry.EventBusName as string | undefined);
  } catch (e) {
    if (e instanceof EventBridgeApiError) return { ErrorCode: 'InvalidArgument', ErrorMessage: e.message };
    throw e;
  }
  // AWS used to accept events for a missing bus and drop them; failing the entry makes the mistake visible.
  if (!deps.buses.find(bus))
    return { ErrorCode: 'ResourceNotFoundException', ErrorMessage: `Event bus ${bus} does not exist.` };
  return {
    event: {
      bus,
      ingestionTime: now,
      hops: 0,
      event: {
        version: '0',
        id: randomUUID(),
        'detail-type': detailType,
        source,
        account: deps.scope.accountId,
        time: isoSeconds(time),
        region: deps.scope.region,
        resources: [...(resources as string[])],
        detail: parsed as Record<string, unknown>,
      },
    },
  };
}
