/**
 * URLs of the Durable HTTP API, as the Durable extension hands them to the durable-functions client
 * (`durableClient` input) and puts in check-status responses.
 */
export interface DurableUrlOptions {
  /** Origin of the public HTTP endpoint, e.g. http://127.0.0.1:7071 */
  origin: string;
  taskHub: string;
  connection?: string;
  /** System key appended as `code=`; omitted when the platform enforces no keys. */
  systemKey?: string;
}

export const WEBHOOK_BASE = '/runtime/webhooks/durabletask';
export const RPC_BASE = '/durabletask/';
const ID_PLACEHOLDER = 'INSTANCEID';

function commonQuery(o: DurableUrlOptions): string {
  const q = `taskHub=${encodeURIComponent(o.taskHub)}&connection=${encodeURIComponent(o.connection ?? 'Storage')}`;
  return o.systemKey ? `${q}&code=${encodeURIComponent(o.systemKey)}` : q;
}

export function managementUrls(o: DurableUrlOptions, instanceId: string): Record<string, string> {
  const base = `${o.origin}${WEBHOOK_BASE}/instances/${encodeURIComponent(instanceId)}`;
  const q = commonQuery(o);
  return {
    id: instanceId,
    statusQueryGetUri: `${base}?${q}`,
    sendEventPostUri: `${base}/raiseEvent/{eventName}?${q}`,
    terminatePostUri: `${base}/terminate?reason={text}&${q}`,
    rewindPostUri: `${base}/rewind?reason={text}&${q}`,
    purgeHistoryDeleteUri: `${base}?${q}`,
    restartPostUri: `${base}/restart?${q}`,
    suspendPostUri: `${base}/suspend?reason={text}&${q}`,
    resumePostUri: `${base}/resume?reason={text}&${q}`,
  };
}

/** The `durableClient` input binding value (durable-host-contract §8). */
export function durableClientPayload(o: DurableUrlOptions): Record<string, unknown> {
  const q = commonQuery(o);
  const hookBase = `${o.origin}${WEBHOOK_BASE}`;
  const mgmt = managementUrls(o, ID_PLACEHOLDER);
  // managementUrls() encodes the id; the placeholder has nothing to encode, so the template stays intact.
  return {
    taskHubName: o.taskHub,
    creationUrls: {
      createNewInstancePostUri: `${hookBase}/orchestrators/{functionName}[/{instanceId}]?${q}`,
      createAndWaitOnNewInstancePostUri: `${hookBase}/orchestrators/{functionName}[/{instanceId}]?timeout={timeoutInSeconds}&pollingInterval={intervalInSeconds}&${q}`,
    },
    managementUrls: mgmt,
    baseUrl: hookBase,
    requiredQueryStringParameters: q,
    rpcBaseUrl: `${o.origin}${RPC_BASE}`,
    httpBaseUrl: hookBase,
  };
}
