import type { RunQuery } from '../backends/sagaBackend';
import { OpsValidationError } from '../errors';
import { Engine, ENGINES, SAGA_PHASES, SAGA_STATES, SagaPhase, SagaState } from '../model/sagaRun';

export type Where = RunQuery & { engines?: Engine[] };

const FIELDS = [
  'status',
  'phase',
  'engine',
  'orderId',
  'since',
  'until',
  'createdFrom',
  'createdTo',
  'updatedFrom',
  'updatedTo',
  'step',
  'reason',
];

function time(field: string, value: string): number {
  const t = Date.parse(value);
  if (Number.isNaN(t))
    throw new OpsValidationError(`${field}="${value}" is not an ISO-8601 date-time (e.g. 2026-11-22T10:00:00Z).`);
  return t;
}

function oneOf<T extends string>(field: string, value: string, allowed: readonly T[]): T[] {
  return value.split(/[|,]/).map((v) => {
    const match = allowed.find((a) => a.toLowerCase() === v.trim().toLowerCase());
    if (!match) throw new OpsValidationError(`${field}="${v}" is not one of ${allowed.join(', ')}.`);
    return match;
  });
}

/**
 * A selection from named text values: the list API's query parameters, a replay's `where`, the CLI's
 * `--where status=Failed|Compensated,engine=durable,since=…`. Unknown names are refused, not ignored.
 */
export function parseWhere(values: Record<string, string | undefined>): Where {
  const where: Where = {};
  for (const [field, raw] of Object.entries(values)) {
    if (raw === undefined || raw === '') continue;
    if (!FIELDS.includes(field))
      throw new OpsValidationError(`"${field}" is not a filter. Use any of: ${FIELDS.join(', ')}.`);
    switch (field) {
      case 'status':
        where.statuses = oneOf<SagaState>(field, raw, SAGA_STATES);
        break;
      case 'phase':
        where.phases = oneOf<SagaPhase>(field, raw, SAGA_PHASES);
        break;
      case 'engine':
        where.engines = oneOf<Engine>(field, raw, ENGINES);
        break;
      case 'orderId':
        where.orderIdPrefix = raw;
        break;
      case 'since':
      case 'createdFrom':
        where.createdFrom = time(field, raw);
        break;
      case 'until':
      case 'createdTo':
        where.createdTo = time(field, raw);
        break;
      case 'updatedFrom':
        where.updatedFrom = time(field, raw);
        break;
      case 'updatedTo':
        where.updatedTo = time(field, raw);
        break;
      case 'step':
        where.step = raw;
        break;
      case 'reason':
        where.reasonContains = raw;
        break;
    }
  }
  return where;
}

/** `status=Failed,engine=durable` (the CLI's form) as named values; a value may hold `|` for several. */
export function whereText(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of text.split(',').filter((p) => p.trim())) {
    const at = pair.indexOf('=');
    if (at < 1)
      throw new OpsValidationError(`"${pair}" in --where is not name=value (e.g. status=Failed,engine=durable).`);
    out[pair.slice(0, at).trim()] = pair.slice(at + 1).trim();
  }
  return out;
}
