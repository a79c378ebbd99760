import { app, HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import { OpsValidationError } from '../../ops/errors';
import { parseWhere } from '../../ops/query/parseWhere';
import { durableClientInput, opsEdge } from './opsEdge';
import { refuseOrderId } from '../orderIdParam';

const MAX_PAGE = 500;

function pageSize(text: string | null): number {
  if (text === null) return 50;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > MAX_PAGE)
    throw new OpsValidationError(`pageSize="${text}" must be a whole number from 1 to ${MAX_PAGE}.`);
  return n;
}

/**
 * GET /api/ops/sagas: runs on both engines, filtered (status, engine, orderId prefix, createdFrom/To,
 * updatedFrom/To, step, reason), a page at a time (continuationToken); `counts=true` adds counts per status.
 */
export async function listSagasHttp(request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
  return opsEdge(request, context, 'reader', async (ops) => {
    const q = request.query;
    const values: Record<string, string> = {};
    for (const [k, v] of q.entries()) if (!['pageSize', 'continuationToken', 'counts'].includes(k)) values[k] = v;
    const { engines, ...query } = parseWhere(values);
    const size = pageSize(q.get('pageSize'));
    const [page, counts] = await Promise.all([
      ops.list(query, size, q.get('continuationToken') ?? undefined, engines),
      q.get('counts') === 'true' ? ops.counts(query, engines) : Promise.resolve(undefined),
    ]);
    return { status: 200, jsonBody: { ...page, ...(counts ? { counts } : {}) } };
  });
}

/** GET /api/ops/sagas/{orderId}: every run of the order, the latest per engine with trace and timeline, the diff. */
export async function showSagaHttp(request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
  const orderId = request.params.orderId;
  const refused = refuseOrderId(orderId, 'path {orderId}');
  if (refused) return refused;
  return opsEdge(request, context, 'reader', async (ops) => ({ status: 200, jsonBody: await ops.show(orderId) }));
}

app.http('opsListSagas', {
  route: 'ops/sagas',
  methods: ['GET'],
  authLevel: 'anonymous',
  extraInputs: [durableClientInput],
  handler: listSagasHttp,
});

app.http('opsShowSaga', {
  route: 'ops/sagas/{orderId}',
  methods: ['GET'],
  authLevel: 'anonymous',
  extraInputs: [durableClientInput],
  handler: showSagaHttp,
});
