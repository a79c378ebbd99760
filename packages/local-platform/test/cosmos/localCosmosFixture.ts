// A local Cosmos DB per test file on a free port, with a real @azure/cosmos client, and helpers to reach it as
// clients other than the platform's own (another key, raw signed HTTP) for the protocol tests.
import { createHmac } from 'node:crypto';
import * as fs from 'node:fs';
import * as https from 'node:https';
import * as os from 'node:os';
import * as path from 'node:path';
import { type Container, CosmosClient } from '@azure/cosmos';
import type { CosmosConfig } from '../../src/cosmos/cosmosConfig';
import { type LocalCosmos, type LocalCosmosOptions, startLocalCosmos } from '../../src/cosmos/cosmosServer';

export const TEST_DATABASE = 'testdb';

/** Starts the endpoint with one database and the given containers (`/pk` unless said otherwise). */
export async function startTestCosmos(
  containers: { id: string; partitionKey?: string; seed?: string; defaultTtl?: number }[] = [],
  options: LocalCosmosOptions = {},
  configFile = path.join(os.tmpdir(), 'cosmos-test-config.json'),
): Promise<LocalCosmos> {
  const config: CosmosConfig = {
    databases: [
      {
        id: TEST_DATABASE,
        containers: containers.map((c) => ({
          id: c.id,
          partitionKey: c.partitionKey ?? '/pk',
          seed: c.seed,
          ...(c.defaultTtl !== undefined ? { defaultTtl: c.defaultTtl } : {}),
        })),
      },
    ],
  };
  return startLocalCosmos(config, configFile, options);
}

export function containerOf(cosmos: LocalCosmos, id: string): Container {
  return cosmos.client.database(TEST_DATABASE).container(id);
}

/** A client of the endpoint with a key of the caller's choosing. */
export function clientWithKey(cosmos: LocalCosmos, key: string): CosmosClient {
  return new CosmosClient({
    endpoint: cosmos.endpoint,
    key,
    agent: new https.Agent({ rejectUnauthorized: false }),
    connectionPolicy: { enableEndpointDiscovery: false },
  });
}

/**
 * A request signed as "Access control on Cosmos DB resources" describes, computed here independently of the SDK
 * so the endpoint's check is tested against the documented algorithm, not against itself.
 */
export function signedRequest(
  cosmos: LocalCosmos,
  request: { method: string; path: string; resourceType: string; resourceLink: string; date?: Date; key?: string },
  headers: Record<string, string> = {},
  body?: string,
): Promise<{ status: number; body: string; headers: Record<string, string | string[] | undefined> }> {
  const date = (request.date ?? new Date()).toUTCString();
  const text = `${request.method.toLowerCase()}\n${request.resourceType.toLowerCase()}\n${request.resourceLink}\n${date.toLowerCase()}\n\n`;
  const sig = createHmac('sha256', Buffer.from(request.key ?? cosmos.key, 'base64'))
    .update(text)
    .digest('base64');
  const url = new URL(request.path, cosmos.endpoint);
  return new Promise((resolve, reject) => {
    const req = https.request(
      url,
      {
        method: request.method,
        rejectUnauthorized: false,
        headers: {
          authorization: encodeURIComponent(`type=master&ver=1.0&sig=${sig}`),
          'x-ms-date': date,
          'x-ms-version': '2018-12-31',
          ...headers,
        },
      },
      (res) => {
        let data = '';
        res.on('data', (d: Buffer) => (data += d.toString()));
        res.on('end', () => resolve({ status: res.statusCode!, body: data, headers: res.headers }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** A temporary folder for file stores, removed by the caller. */
export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** The error an SDK call fails with (the test fails if it does not). */
export async function failure(call: Promise<unknown>): Promise<{ code: number; message: string; body?: unknown }> {
  try {
    await call;
  } catch (e) {
    return e as { code: number; message: string };
  }
  throw new Error('The call succeeded; it was expected to fail.');
}
