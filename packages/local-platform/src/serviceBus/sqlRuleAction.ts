import { filterView } from './filters';
import { messageSize, type StoredMessage } from './message';
import type { ActionStatement, PropertyRef, SqlValue } from './sqlAst';
import { evaluateValue } from './sqlEvaluator';
import { parseSqlAction } from './sqlFilter';

type SettableField =
  'messageId' | 'correlationId' | 'to' | 'replyTo' | 'subject' | 'sessionId' | 'replyToSessionId' | 'contentType';

const FIELD: Record<string, SettableField> = {
  MessageId: 'messageId',
  CorrelationId: 'correlationId',
  To: 'to',
  ReplyTo: 'replyTo',
  Label: 'subject',
  Subject: 'subject',
  SessionId: 'sessionId',
  ReplyToSessionId: 'replyToSessionId',
  ContentType: 'contentType',
};

/** The key an application property is stored under: as written, else the one equal ignoring case (as filters read). */
function propertyKey(props: Record<string, unknown>, name: string): string {
  if (Object.prototype.hasOwnProperty.call(props, name)) return name;
  const lower = name.toLowerCase();
  return Object.keys(props).find((k) => k.toLowerCase() === lower) ?? name;
}

function asText(value: SqlValue | undefined): string | undefined {
  if (value === undefined || value === null) return undefined;
  return value instanceof Date ? value.toISOString() : String(value);
}

/**
 * A rule's SQL action (`SET sys.Label = 'audit'; SET region = 'EU'; REMOVE internal`), parsed once when the rule is
 * made and applied to the subscription's copy of each message the rule's filter matched. Statements run in order,
 * each seeing what the one before changed, as Service Bus runs them.
 */
export class SqlRuleAction {
  private constructor(
    readonly expression: string,
    private readonly statements: ActionStatement[],
  ) {}

  /** Throws SqlFilterError (with the position) for an action that does not parse. */
  static parse(expression: string): SqlRuleAction {
    return new SqlRuleAction(expression, parseSqlAction(expression));
  }

  apply(message: StoredMessage): void {
    for (const s of this.statements) {
      if (s.type === 'remove') {
        delete message.applicationProperties[propertyKey(message.applicationProperties, s.property.name)];
        continue;
      }
      const value = evaluateValue(s.value, filterView(message, messageSize(message)));
      this.set(message, s.property, value);
    }
  }

  private set(message: StoredMessage, property: PropertyRef, value: SqlValue | undefined): void {
    if (property.scope === 'user') {
      // An unknown value (a missing property in the expression) sets NULL, as SQL assignments do.
      message.applicationProperties[propertyKey(message.applicationProperties, property.name)] = value ?? null;
      return;
    }
    const field = FIELD[property.name];
    const text = asText(value);
    // A message always has an id: setting it to NULL leaves it as it was.
    if (field === 'messageId') message.messageId = text ?? message.messageId;
    else message[field] = text;
  }
}
