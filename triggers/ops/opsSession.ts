import { app, HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import type { Session } from '../../ops/wire/session';
import { orderSaga } from '../../saga/definition/orderSaga';
import { durableClientInput, opsEdge } from './opsEdge';

/**
 * GET /api/ops/session: who the key belongs to and its role (so the dashboard disables what the role may not
 * do; the API refuses it anyway), and the saga definition's steps for the step graph. Never the key.
 */
export async function sessionHttp(request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
  return opsEdge(request, context, 'reader', async (_ops, caller) => ({
    status: 200,
    // The page reads this answer as the wire type Session: the check keeps the two the same.
    jsonBody: {
      caller,
      saga: {
        name: orderSaga.name,
        steps: orderSaga.steps.map((s) => ({
          name: s.name,
          activity: s.activity,
          ...(s.compensation ? { compensation: s.compensation } : {}),
          critical: s.critical,
          ...(s.awaitEvent ? { awaits: { event: s.awaitEvent.event, timeoutMs: s.awaitEvent.timeoutMs } } : {}),
          runs: s.runs ?? 'success',
        })),
        park: { event: orderSaga.park.event, timeoutMs: orderSaga.park.timeoutMs },
      },
    } satisfies Session,
  }));
}

app.http('opsSession', {
  route: 'ops/session',
  methods: ['GET'],
  authLevel: 'anonymous',
  extraInputs: [durableClientInput],
  handler: sessionHttp,
});
