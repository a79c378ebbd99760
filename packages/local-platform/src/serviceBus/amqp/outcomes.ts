import { message as amqpMessage, type AmqpError } from 'rhea';

/**
 * AMQP delivery outcomes as rhea encodes them (its typings leave these out). The broker settles every delivery
 * with one of these: accepted, or rejected with the error that says why.
 */
interface OutcomeFactory {
  accepted(): { described(): unknown };
  rejected(fields: { error: AmqpError }): { described(): unknown };
}

const outcomes = amqpMessage as unknown as OutcomeFactory;

export const accepted = (): unknown => outcomes.accepted().described();
export const rejected = (error: AmqpError): unknown => outcomes.rejected({ error }).described();
