import { app, HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import { OpsValidationError } from '../../ops/errors';
import { ENGINES, Engine } from '../../ops/model/sagaRun';
import type { OpsService } from '../../ops/opsService';
import { SharedOverview } from '../../ops/overview/sharedOverview';
import { durableClientInput, opsEdge } from './opsEdge';

/** One shared computation per ops service (one per settings): the same engines' overview is walked once at a time. */
const shared = new WeakMap<OpsService, SharedOverview>();

/**
 * GET /api/ops/overview: counts per status per engine, runs started per minute, the oldest saga needing action.
 * `engine=durable` (or stepFunctions) answers for that engine only, so the dashboard can draw the fast engine
 * while the slow one is still being counted. Requests arriving while the same overview is being computed share it.
 */
export async function overviewHttp(request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
  return opsEdge(request, context, 'reader', async (ops) => {
    const engine = request.query.get('engine');
    if (engine !== null && !ENGINES.includes(engine as Engine))
      throw new OpsValidationError(`engine="${engine}" is not one of ${ENGINES.join(', ')}.`);
    const backends = engine === null ? ops.backends : ops.backends.filter((b) => b.engine === engine);
    let flight = shared.get(ops);
    if (!flight) shared.set(ops, (flight = new SharedOverview()));
    return { status: 200, jsonBody: await flight.get(backends) };
  });
}

app.http('opsOverview', {
  route: 'ops/overview',
  methods: ['GET'],
  authLevel: 'anonymous',
  extraInputs: [durableClientInput],
  handler: overviewHttp,
});
