import { app, HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import { overview } from '../../ops/overview/overview';
import { durableClientInput, opsEdge } from './opsEdge';

/** GET /api/ops/overview: counts per status per engine, runs started per minute, the oldest saga needing action. */
export async function overviewHttp(request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
  return opsEdge(request, context, 'reader', async (ops) => ({
    status: 200,
    jsonBody: await overview(ops.backends, new Date()),
  }));
}

app.http('opsOverview', {
  route: 'ops/overview',
  methods: ['GET'],
  authLevel: 'anonymous',
  extraInputs: [durableClientInput],
  handler: overviewHttp,
});
