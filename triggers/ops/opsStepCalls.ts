import { app, HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import { OpsValidationError } from '../../ops/errors';
import { ENGINES, Engine } from '../../ops/model/sagaRun';
import { DEFAULT_PAYLOAD_CHARS, stepCallView } from '../../ops/show/stepCallView';
import { durableClientInput, opsEdge } from './opsEdge';
import { refuseOrderId } from '../orderIdParam';

function required(request: HttpRequest, name: string, example: string): string {
  const value = request.query.get(name);
  if (!value) throw new OpsValidationError(`Query parameter ${name} is required, e.g. ${name}=${example}.`);
  return value;
}

function whole(request: HttpRequest, name: string, fallback?: number): number {
  const text = request.query.get(name);
  if (text === null && fallback !== undefined) return fallback;
  const n = Number(text);
  if (text === null || !/^\d+$/.test(text) || !Number.isSafeInteger(n))
    throw new OpsValidationError(`${name}="${text ?? ''}" must be a whole number (e.g. ${name}=0).`);
  return n;
}

/**
 * GET /api/ops/sagas/{orderId}/calls?engine=&run=&call=&maxChars=: one activity call's input, output and error,
 * for the order page's timeline when an operator opens a step. Payloads are cut to maxChars (4,000 by default).
 */
export async function stepCallHttp(request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
  const orderId = request.params.orderId;
  const refused = refuseOrderId(orderId, 'path {orderId}');
  if (refused) return refused;
  return opsEdge(request, context, 'reader', async (ops) => {
    const engine = required(request, 'engine', 'durable');
    if (!ENGINES.includes(engine as Engine))
      throw new OpsValidationError(`engine="${engine}" is not one of ${ENGINES.join(', ')}.`);
    const view = await stepCallView(
      ops.backends,
      orderId,
      engine as Engine,
      required(request, 'run', orderId),
      whole(request, 'call'),
      whole(request, 'maxChars', DEFAULT_PAYLOAD_CHARS),
    );
    return { status: 200, jsonBody: view };
  });
}

app.http('opsStepCall', {
  route: 'ops/sagas/{orderId}/calls',
  methods: ['GET'],
  authLevel: 'anonymous',
  extraInputs: [durableClientInput],
  handler: stepCallHttp,
});
