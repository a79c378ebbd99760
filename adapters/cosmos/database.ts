import * as https from 'node:https';
import { Container, CosmosClient } from '@azure/cosmos';
import { azureCredential } from '../azureCredential';
import { optionalSetting, requiredSetting } from '../settings';

export const CONTAINERS = {
  orders: 'orders',
  inventory: 'inventory',
  outbox: 'outbox',
  analytics: 'analytics',
  callbacks: 'callbacks',
  opsAudit: 'ops-audit',
  runOutcomes: 'run-outcomes',
} as const;

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);
const clients = new Map<string, CosmosClient>();

/**
 * The container, from the COSMOS_* settings. A local endpoint (the emulator, the platform's local Cosmos DB) serves a
 * self-signed certificate, so certificate checks are relaxed for loopback hosts only — never for a remote one.
 */
export function cosmosContainer(name: keyof typeof CONTAINERS): Container {
  const endpoint = requiredSetting('COSMOS_ENDPOINT', `Cosmos DB (${Object.values(CONTAINERS).join(', ')})`);
  const local = LOOPBACK.has(new URL(endpoint).hostname);
  // In Azure the app reaches Cosmos DB with its identity (the template grants it the data contributor role); a key
  // is needed locally and from the AWS side.
  const key = local ? requiredSetting('COSMOS_KEY', 'the local Cosmos DB') : process.env.COSMOS_KEY || undefined;
  const cacheKey = `${endpoint}\n${key ?? 'identity'}`;
  let client = clients.get(cacheKey);
  if (!client) {
    client = new CosmosClient({
      endpoint,
      ...(key ? { key } : { aadCredentials: azureCredential() }),
      ...(local
        ? {
            agent: new https.Agent({ rejectUnauthorized: false, keepAlive: true }),
            connectionPolicy: { enableEndpointDiscovery: false },
          }
        : {}),
    });
    clients.set(cacheKey, client);
  }
  return client.database(optionalSetting('COSMOS_DATABASE', 'orders')).container(CONTAINERS[name]);
}

/** Cosmos answers failed conditions with HTTP status codes on `code`. */
export function cosmosStatus(error: unknown): number | undefined {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'number' ? code : undefined;
}

/** Cosmos errors often carry an empty message; say what was attempted and the status, keeping the original. */
export function cosmosFailure(error: unknown, what: string): Error {
  const status = cosmosStatus(error);
  const detail =
    (error as Error).message?.split('\n')[0] || (error as { body?: { message?: string } }).body?.message || '';
  return new Error(
    `Cosmos DB ${what} failed${status ? ` with ${status}` : ''}${detail ? `: ${detail}` : ''} (database ${optionalSetting('COSMOS_DATABASE', 'orders')} at ${process.env.COSMOS_ENDPOINT ?? '?'}).`,
    { cause: error },
  );
}
