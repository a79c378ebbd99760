import { app, HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import { durableClientInput, opsEdge } from './opsEdge';
import { refusePlanHash } from './planHashParam';

/**
 * GET /api/ops/replays/{planHash}/items?continuationToken=…: the items of a recorded dry run, one page at a time
 * in the plan's order (the dry run answers the first page and the token of the next). Readers may look.
 */
export async function replayItemsHttp(request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
  const planHash = request.params.planHash ?? '';
  const refusal = refusePlanHash(planHash);
  if (refusal) return refusal;
  return opsEdge(request, context, 'reader', async (ops) => ({
    status: 200,
    jsonBody: await ops.planItems(planHash, request.query.get('continuationToken') ?? undefined),
  }));
}

app.http('opsReplayItems', {
  route: 'ops/replays/{planHash}/items',
  methods: ['GET'],
  authLevel: 'anonymous',
  extraInputs: [durableClientInput],
  handler: replayItemsHttp,
});
