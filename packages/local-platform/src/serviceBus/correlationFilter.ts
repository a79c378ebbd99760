import type { FilterMessage, SqlValue, SystemProperty } from './sqlAst';

/** The fields a correlation filter can name, as the emulator config spells them, and the system property each reads. */
export const CORRELATION_FIELDS = {
  CorrelationId: 'CorrelationId',
  MessageId: 'MessageId',
  To: 'To',
  ReplyTo: 'ReplyTo',
  Label: 'Label',
  Subject: 'Label',
  SessionId: 'SessionId',
  ReplyToSessionId: 'ReplyToSessionId',
  ContentType: 'ContentType',
} as const satisfies Record<string, SystemProperty>;

export type CorrelationField = keyof typeof CORRELATION_FIELDS;

export interface CorrelationFilterSpec {
  system: Partial<Record<CorrelationField, string>>;
  properties: Record<string, SqlValue>;
}

function same(a: SqlValue | undefined, b: SqlValue): boolean {
  if (a instanceof Date && b instanceof Date) return a.getTime() === b.getTime();
  return a === b;
}

/**
 * Matches when every field it names equals the message's (exact, case-sensitive values) and every listed
 * application property is present with an equal value. Cheaper than SQL on the broker, same idea here.
 */
export class CorrelationFilter {
  constructor(readonly spec: CorrelationFilterSpec) {}

  matches(m: FilterMessage): boolean {
    for (const [field, expected] of Object.entries(this.spec.system) as [CorrelationField, string][]) {
      if (m.system[CORRELATION_FIELDS[field]] !== expected) return false;
    }
    for (const [name, expected] of Object.entries(this.spec.properties)) {
      if (!Object.prototype.hasOwnProperty.call(m.properties, name)) return false;
      if (!same(m.properties[name], expected)) return false;
    }
    return true;
  }
}
