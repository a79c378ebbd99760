import { app, HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import { UnknownReplayError } from '../../ops/errors';
import { errorResponse } from '../errorResponse';
import { durableClientInput, opsEdge } from './opsEdge';

const PLAN_HASH = /^[0-9a-f]{32}$/;

/**
 * GET /api/ops/replays/{planHash}/progress: how far the apply of that plan is (total, done, applied, skipped,
 * failed), while its POST is still answering. Readers may look; the CLI polls it to draw its progress bar.
 */
export async function replayProgressHttp(request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
  const planHash = request.params.planHash ?? '';
  if (!PLAN_HASH.test(planHash))
    return errorResponse(400, {
      code: 'InvalidPlanHash',
      message: `"${planHash.slice(0, 80)}" is not a plan hash.`,
      where: 'path {planHash}',
      fix: 'Use the planHash a dry run answered (32 hexadecimal digits).',
    });
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
