import { app, HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import { OpsValidationError } from '../../ops/errors';
import { ENGINES, Engine } from '../../ops/model/sagaRun';
import { overview } from '../../ops/overview/overview';
import { durableClientInput, opsEdge } from './opsEdge';

/**
 * GET /api/ops/overview: counts per status per engine, runs started per minute, the oldest saga needing action.
 * `engine=durable` (or stepFunctions) answers for that engine only, so the dashboard can draw the fast engine
 * while the slow one is still being counted.
 */
export async function overviewHttp(request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
  return opsEdge(request, context, 'reader', async (ops) => {
    const engine = request.query.get('engine');
    if (engine !== null && !ENGINES.includes(engine as Engine))
      throw new OpsValidationError(`engine="${engine}" is not one of ${ENGINES.join(', ')}.`);
    const backends = engine === null ? ops.backends : ops.backends.filter((b) => b.engine === engine);
    return { status: 200, jsonBody: await overview(backends, new Date()) };
  });
}

app.http('opsOverview', {
  route: 'ops/overview',
  methods: ['GET'],
  authLevel: 'anonymous',
  extraInputs: [durableClientInput],
  handler: overviewHttp,
});
