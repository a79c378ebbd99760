import { app, HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';

/**
 * POST /api/orchestrators/{orchestratorName}[/{instanceId}] with an optional JSON body as input: starts an
 * orchestration and answers 202 with its management URLs.
 */
export async function startOrchestration(request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
  const client = df.getClient(context);
  const text = await request.text();
  let input: unknown;
  try {
    input = text.trim() ? JSON.parse(text) : undefined;
  } catch (e) {
    return { status: 400, jsonBody: { error: `The request body is not valid JSON: ${(e as Error).message}` } };
  }
  const name = request.params.orchestratorName;
  try {
    const instanceId = await client.startNew(name, { input, instanceId: request.params.instanceId || undefined });
    context.log(`Started orchestration '${name}' with ID '${instanceId}'.`);
    return client.createCheckStatusResponse(request, instanceId);
  } catch (e) {
    // The durable client reports the extension's answer as "unexpected status code: N. Details: {...}".
    const m = /status code: (\d{3})\. Details: (.*)$/s.exec((e as Error).message);
    if (m && m[1] !== '500')
      return { status: Number(m[1]), body: m[2], headers: { 'content-type': 'application/json' } };
    throw e;
  }
}

app.http('startOrchestration', {
  route: 'orchestrators/{orchestratorName}/{instanceId?}',
  methods: ['POST'],
  authLevel: 'function',
  extraInputs: [df.input.durableClient()],
  handler: startOrchestration,
});
