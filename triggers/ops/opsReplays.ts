import { app, HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import { z } from 'zod';
import { OpsValidationError } from '../../ops/errors';
import { parseWhere } from '../../ops/query/parseWhere';
import { MAX_PART_ORDERS } from '../../ops/replay/planPart';
import { formatPath } from '../../saga/domain/validation';
import { durableClientInput, opsEdge } from './opsEdge';

const replayBody = z.strictObject({
  orderIds: z.array(z.string().min(1)).min(1, 'must name at least one order').optional(),
  where: z.record(z.string(), z.string()).optional(),
  mode: z.enum(['resume', 'restart'], {
    error: 'must be "resume" (continue from the failed step) or "restart" (a new attempt)',
  }),
  reason: z.string({ error: 'is required: say why (recorded in the audit)' }),
  dryRun: z.boolean().default(true),
  planHash: z.string().optional(),
  concurrency: z.number().int().min(1).max(64).optional(),
  perSecond: z.number().positive().max(1000).optional(),
  part: z.array(z.string().min(1)).min(1, 'must name at least one order').max(MAX_PART_ORDERS).optional(),
});

/** The body, or a 400-worthy error naming each field and rule. */
export async function readJson<S extends z.ZodType>(request: HttpRequest, schema: S): Promise<z.output<S>> {
  let value: unknown;
  try {
    value = JSON.parse((await request.text()) || '{}');
  } catch (e) {
    throw new OpsValidationError(`The request body is not valid JSON: ${(e as Error).message}.`);
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success)
    throw new OpsValidationError(
      `Invalid request body: ${parsed.error.issues.map((i) => `${formatPath(i.path) || '(body)'} ${i.message}`).join('; ')}`,
    );
  return parsed.data;
}

/**
 * POST /api/ops/replays: a dry run answers the plan (readers may ask); applying (dryRun false, with the plan's
 * hash) needs the operator role and answers each saga's result. Stale plans are refused with 409. `part` (order
 * ids of the plan) applies only those, so a caller applying part by part can show progress.
 */
export async function replaysHttp(request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
  let body: z.output<typeof replayBody>;
  try {
    body = await readJson(request, replayBody);
  } catch (e) {
    return opsEdge(request, context, 'reader', () => Promise.reject(e));
  }
  return opsEdge(request, context, body.dryRun ? 'reader' : 'operator', async (ops, caller) => {
    if (!body.orderIds && !body.where)
      throw new OpsValidationError(
        'Say which sagas to replay: orderIds, or where (e.g. {"status":"Failed","engine":"durable"}).',
      );
    const answer = await ops.replay(caller, {
      selection: body.orderIds ? { orderIds: body.orderIds } : { where: parseWhere(body.where!) },
      mode: body.mode,
      reason: body.reason,
      dryRun: body.dryRun,
      planHash: body.planHash,
      ...(body.part ? { part: body.part } : {}),
      bounds: {
        ...(body.concurrency ? { concurrency: body.concurrency } : {}),
        ...(body.perSecond ? { perSecond: body.perSecond } : {}),
      },
    });
    return { status: 200, jsonBody: answer };
  });
}

app.http('opsReplays', {
  route: 'ops/replays',
  methods: ['POST'],
  authLevel: 'anonymous',
  extraInputs: [durableClientInput],
  handler: replaysHttp,
});
