import { app, HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import type { AuditAction } from '../../ops/audit/auditEntry';
import { OpsValidationError } from '../../ops/errors';
import { durableClientInput, opsEdge } from './opsEdge';

const ACTIONS: AuditAction[] = ['replay', 'decide', 'terminate', 'purge'];

/**
 * GET /api/ops/audit: the audit, newest first (from, to, who, action, orderId; pageSize, continuationToken);
 * `format=jsonl` answers JSON Lines for export (an entry stored in parts followed by its parts).
 */
export async function auditHttp(request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
  return opsEdge(request, context, 'reader', async (ops) => {
    const q = request.query;
    const action = q.get('action') ?? undefined;
    if (action && !ACTIONS.includes(action as AuditAction))
      throw new OpsValidationError(`action="${action}" is not one of ${ACTIONS.join(', ')}.`);
    for (const f of ['from', 'to'])
      if (q.get(f) && Number.isNaN(Date.parse(q.get(f)!)))
        throw new OpsValidationError(`${f}="${q.get(f)}" is not an ISO-8601 date-time.`);
    const size = Number(q.get('pageSize') ?? 100);
    if (!Number.isInteger(size) || size < 1 || size > 1000)
      throw new OpsValidationError(`pageSize="${q.get('pageSize')}" must be a whole number from 1 to 1000.`);
    const page = await ops.auditLog(
      {
        from: q.get('from') ?? undefined,
        to: q.get('to') ?? undefined,
        who: q.get('who') ?? undefined,
        action: action as AuditAction | undefined,
        orderId: q.get('orderId') ?? undefined,
      },
      size,
      q.get('continuationToken') ?? undefined,
    );
    if (q.get('format') === 'jsonl') {
      // A complete export: each entry stored in parts is followed by its parts (lines with chunkOf = its id).
      const lines: string[] = [];
      for (const e of page.entries) {
        lines.push(JSON.stringify(e));
        for await (const chunk of ops.auditChunks(e)) lines.push(JSON.stringify(chunk));
      }
      return {
        status: 200,
        headers: {
          'content-type': 'application/x-ndjson',
          ...(page.continuationToken ? { 'x-continuation-token': page.continuationToken } : {}),
        },
        body: lines.join('\n') + (lines.length ? '\n' : ''),
      };
    }
    return { status: 200, jsonBody: page };
  });
}

app.http('opsAudit', {
  route: 'ops/audit',
  methods: ['GET'],
  authLevel: 'anonymous',
  extraInputs: [durableClientInput],
  handler: auditHttp,
});
