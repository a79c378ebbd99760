import * as https from 'node:https';
import * as path from 'node:path';
import { CosmosClient } from '@azure/cosmos';
import { MasterKeyAuth } from './auth/masterKey';
import type { CosmosConfig } from './cosmosConfig';
import { applyCosmosConfig } from './cosmosSeeding';
import { listenCosmosHttp } from './http/cosmosHttpServer';
import { QueryResultCache } from './queryExecution/queryResultCache';
import { SqliteCosmosStore } from './storage/sqliteCosmosStore';

/**
 * The Cosmos DB emulator's published well-known key. The local endpoint checks every request's signature against
 * it, so a client configured with another key is refused (401) as the service would refuse it.
 */
export const LOCAL_COSMOS_KEY =
  'C2y6yDjf5/R+ob0N8A7Cgv30VRDJIWEHLM+4QDU5DE2nQ9nDuVTqobD4b8mGGyPMbIZnqyMsEcaGQy67XIw/Jw==';

export interface LocalCosmosOptions {
  /** 0 (default): a free port. */
  port?: number;
  host?: string;
  /** A SQLite file (relative paths from the working directory), or `memory` (default) to keep nothing. */
  store?: string;
  /** SQLite `synchronous` for a file store: NORMAL (default) survives a process crash, FULL a power loss. */
  synchronous?: 'OFF' | 'NORMAL' | 'FULL';
  /** `https` (default, self-signed, as the emulator) or `http`. */
  protocol?: 'https' | 'http';
  /** Failures that are the endpoint's own (not the caller's), e.g. a bug; never requests or keys. */
  log?: (level: 'warn' | 'error', message: string) => void;
  /** The endpoint's time (`_ts`, time to live), epoch ms. Default: the real clock. */
  now?: () => number;
}

export interface LocalCosmos {
  endpoint: string;
  key: string;
  /** A client for the platform and tests (certificate checks relaxed: the server is local and self-signed). */
  client: CosmosClient;
  /** Where the documents are kept: a file path, or `memory`. */
  store: string;
  /**
   * Requests received since start, by operation (`GET docs`, `POST docs`, `PATCH docs`, `POST docs (batch)`,
   * `POST docs (query)`, `GET account` …): what a workload costs in calls, for tests and benchmarks.
   */
  requestCounts(): Record<string, number>;
  stop(): Promise<void>;
}

/**
 * Runs the local Cosmos DB (NoSQL API) in-process on a loopback port: the REST protocol the `@azure/cosmos` SDK
 * speaks, master-key auth, documents in SQLite. Creates the configured databases and containers and the seed
 * documents that are missing (idempotent: a file store keeps what the app wrote across restarts).
 */
export async function startLocalCosmos(
  config: CosmosConfig,
  configFile: string,
  options: number | LocalCosmosOptions = {},
): Promise<LocalCosmos> {
  const opts: LocalCosmosOptions = typeof options === 'number' ? { port: options } : options;
  const memory = !opts.store || opts.store === 'memory' || opts.store === ':memory:';
  const now = opts.now ?? Date.now;
  const store = new SqliteCosmosStore(
    {
      location: memory ? ':memory:' : path.resolve(opts.store!),
      synchronous: opts.synchronous,
    },
    now,
  );
  const protocol = opts.protocol ?? 'https';
  let server: Awaited<ReturnType<typeof listenCosmosHttp>> | undefined;
  let client: CosmosClient | undefined;
  // Over http the SDK insists on its own agent (it refuses a given one without allowInsecureConnection).
  const agent = protocol === 'https' ? new https.Agent({ rejectUnauthorized: false, keepAlive: true }) : undefined;
  const stop = async (): Promise<void> => {
    client?.dispose();
    agent?.destroy();
    await server?.close();
    await store.close();
  };
  try {
    await applyCosmosConfig(store, config, configFile, now);
    server = await listenCosmosHttp({
      protocol,
      host: opts.host ?? '127.0.0.1',
      port: opts.port ?? 0,
      auth: new MasterKeyAuth(LOCAL_COSMOS_KEY),
      context: { store, queryResults: new QueryResultCache(), now },
      onInternalError: (error, method, url) =>
        opts.log?.('error', `[cosmos] ${method} ${url.split('?')[0]} failed: ${(error as Error)?.stack ?? error}`),
    });
    client = new CosmosClient({
      endpoint: server.origin,
      key: LOCAL_COSMOS_KEY,
      ...(agent ? { agent } : {}),
      connectionPolicy: { enableEndpointDiscovery: false },
    });
  } catch (e) {
    await stop();
    throw e;
  }
  const listening = server;
  return {
    endpoint: server.origin,
    key: LOCAL_COSMOS_KEY,
    client,
    store: memory ? 'memory' : opts.store!,
    requestCounts: () => listening.requestCounts(),
    stop,
  };
}
