import type { Message } from 'rhea';
import { AmqpRequestError, CONDITIONS, statusOf, toAmqpError } from './amqpErrors';
import type { AmqpConnectionState } from './amqpConnectionState';

/**
 * Claims-based security (`$cbs`): `put-token` with a SharedAccessSignature for an audience. The answer carries
 * `status-code` 202 when the token is valid for this namespace's key, 401 with the reason otherwise.
 */
export function answerPutToken(state: AmqpConnectionState, request: Message): Message {
  const props = (request.application_properties ?? {}) as Record<string, unknown>;
  try {
    if (props.operation !== 'put-token')
      throw new AmqpRequestError(
        CONDITIONS.notImplemented,
        `$cbs serves only 'put-token', not '${String(props.operation)}'.`,
      );
    state.putToken(request.body, props.name);
    return { body: undefined, application_properties: { 'status-code': 202, 'status-description': 'Accepted' } };
  } catch (e) {
    const error = toAmqpError(e);
    const status = statusOf(error.condition as string);
    return {
      body: undefined,
      application_properties: {
        'status-code': status,
        'status-description': error.description,
        'error-condition': error.condition,
      },
    };
  }
}
