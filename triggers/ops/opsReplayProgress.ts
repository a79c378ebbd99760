import { app, HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import { UnknownReplayError } from '../../ops/errors';
import { durableClientInput, opsEdge } from './opsEdge';
import { refusePlanHash } from './planHashParam';

/**
 * GET /api/ops/replays/{planHash}/progress: how far the apply of that plan is (total, done, applied, skipped,
 * failed), while its POST is still answering. Readers may look; the CLI polls it to draw its progress bar.
 */
export async function replayProgressHttp(request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
  const planHash = request.params.planHash ?? '';
  const refusal = refusePlanHash(planHash);
  if (refusal) return refusal;
  return opsEdge(request, context, 'reader', async (ops) => {
    const progress = ops.progress.get(planHash);
    if (!progress) throw new UnknownReplayError(planHash);
    return { status: 200, jsonBody: progress };
  });
}

app.http('opsReplayProgress', {
  route: 'ops/replays/{planHash}/progress',
  methods: ['GET'],
  authLevel: 'anonymous',
  extraInputs: [durableClientInput],
  handler: replayProgressHttp,
});
