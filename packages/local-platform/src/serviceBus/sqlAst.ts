/** Syntax tree of a parsed SQL filter, and the message view filters are evaluated against. */

/** Values filter expressions compute; `undefined` (not listed) stands for SQL's "unknown". */
export type SqlValue = string | number | boolean | Date | null;

export type CompareOp = '=' | '<>' | '>' | '>=' | '<' | '<=';
export type ArithmeticOp = '+' | '-' | '*' | '/' | '%';

export interface PropertyRef {
  type: 'property';
  scope: 'sys' | 'user';
  /** For sys: the canonical system property name; for user: the name as written. */
  name: string;
  pos: number;
}

export type Expr =
  | { type: 'literal'; value: SqlValue; integer: boolean; pos: number }
  | PropertyRef
  | { type: 'newid'; pos: number }
  | { type: 'propertyFn'; name: Expr; pos: number }
  | { type: 'unary'; op: '+' | '-'; operand: Expr; pos: number }
  | { type: 'arithmetic'; op: ArithmeticOp; left: Expr; right: Expr; pos: number }
  | { type: 'compare'; op: CompareOp; left: Expr; right: Expr; pos: number }
  | { type: 'and' | 'or'; left: Expr; right: Expr; pos: number }
  | { type: 'not'; operand: Expr; pos: number }
  | { type: 'isNull'; operand: Expr; negated: boolean; pos: number }
  | { type: 'in'; operand: Expr; list: Expr[]; negated: boolean; pos: number }
  | { type: 'like'; operand: Expr; pattern: Expr; escape?: Expr; negated: boolean; pos: number }
  | { type: 'exists'; property: PropertyRef; pos: number };

/** One statement of a rule action: `SET name = expression` or `REMOVE name`. */
export type ActionStatement =
  | { type: 'set'; property: PropertyRef; value: Expr; pos: number }
  | { type: 'remove'; property: PropertyRef; pos: number };

/** System properties a rule action may SET (the ones a sender sets); the broker's own are read-only. */
export const SETTABLE_SYSTEM_PROPERTIES = new Set<string>([
  'MessageId',
  'CorrelationId',
  'To',
  'ReplyTo',
  'Label',
  'Subject',
  'SessionId',
  'ReplyToSessionId',
  'ContentType',
]);

/** Nodes whose value is a truth value; AND/OR/NOT and the filter as a whole need one of these. */
export function isCondition(e: Expr): boolean {
  return (
    ['compare', 'and', 'or', 'not', 'isNull', 'in', 'like', 'exists'].includes(e.type) ||
    (e.type === 'literal' && typeof e.value === 'boolean')
  );
}

/**
 * System properties a filter can name with `sys.` (BrokeredMessage's public properties; Subject is the newer
 * name of Label). Matching is case-insensitive, as property names are in Service Bus filters.
 */
export const SYSTEM_PROPERTIES = [
  'MessageId',
  'CorrelationId',
  'To',
  'ReplyTo',
  'Label',
  'Subject',
  'SessionId',
  'ReplyToSessionId',
  'ContentType',
  'PartitionKey',
  'ViaPartitionKey',
  'TimeToLive',
  'ScheduledEnqueueTimeUtc',
  'EnqueuedTimeUtc',
  'ExpiresAtUtc',
  'SequenceNumber',
  'EnqueuedSequenceNumber',
  'DeliveryCount',
  'Size',
  'DeadLetterSource',
] as const;
export type SystemProperty = (typeof SYSTEM_PROPERTIES)[number];

export const SYSTEM_PROPERTY_BY_LOWER = new Map<string, SystemProperty>(
  SYSTEM_PROPERTIES.map((p) => [p.toLowerCase(), p]),
);

/** What a filter sees of a message. */
export interface FilterMessage {
  system: Partial<Record<SystemProperty, SqlValue>>;
  properties: Record<string, SqlValue>;
}
