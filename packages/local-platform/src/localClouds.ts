import * as path from 'node:path';
import type { Clock } from './clock';
import { type ArmDeployment, cosmosConfigFromTemplate, declares } from './azureTemplate';
import { loadCosmosConfig } from './cosmos/cosmosConfig';
import { LocalCosmos, startLocalCosmos } from './cosmos/cosmosServer';
import { LocalEmailService } from './emailService/emailService';
import type { MountedApi } from './http/mountedApi';
import { PAYMENT_GATEWAY_PREFIX, PaymentGatewayEmulator } from './paymentGateway';
import type { ServiceDatabase } from './persistence/serviceDatabase';
import type { PlatformSettings } from './settings';

export const EMAIL_PREFIX = '/email';

export interface LocalClouds {
  cosmos?: LocalCosmos;
  paymentGateway: PaymentGatewayEmulator;
  email: LocalEmailService;
  mounts: MountedApi[];
  /**
   * Points the app's settings at the local services, for each that is empty, once the platform's URL is known.
   */
  connect(baseUrl: string, settings: Record<string, string>): void;
  /** Sets an app setting that is empty (here and in process.env), to be taken back on stop(). */
  fill(name: string, value: string, settings: Record<string, string>): void;
  inFlight(): number;
  stop(): Promise<void>;
}

type Log = (level: 'info' | 'warn' | 'error', message: string) => void;

export interface LocalCloudsOptions {
  appRoot: string;
  local: PlatformSettings;
  clock: Clock;
  log: Log;
  /** The gateway's and the e-mail service's state (the platform's services store, opened and closed by it). */
  database: ServiceDatabase;
  /** The durable store is in memory, so Cosmos DB's is too. */
  memoryStore: boolean;
  synchronous: 'OFF' | 'NORMAL' | 'FULL';
  /** The app's Azure template: its Cosmos DB containers are the ones created (LOCAL_COSMOS_CONFIG then only seeds). */
  azureTemplate?: ArmDeployment;
}

/**
 * The stand-ins for the clouds the app talks to: Cosmos DB (the local endpoint, on its own SQLite file), the payment
 * gateway and the e-mail service. Service Bus lives beside them in the platform because it also delivers triggers.
 * The gateway and the e-mail service keep their state in `database` (the platform's services store).
 */
export async function startLocalClouds({
  appRoot,
  local,
  clock,
  log,
  database,
  memoryStore,
  synchronous,
  azureTemplate,
}: LocalCloudsOptions): Promise<LocalClouds> {
  const cosmosFile = local.cosmosConfig ? path.resolve(appRoot, local.cosmosConfig) : undefined;
  const seeds = cosmosFile ? { config: loadCosmosConfig(cosmosFile), file: cosmosFile } : undefined;
  const fromTemplate = declares(azureTemplate, 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases');
  const cosmosConfig = fromTemplate ? cosmosConfigFromTemplate(azureTemplate!, seeds) : seeds?.config;
  let cosmos: LocalCosmos | undefined;
  if (cosmosConfig) {
    const file = cosmosFile ?? azureTemplate!.file;
    cosmos = await startLocalCosmos(cosmosConfig, file, {
      store: memoryStore || local.cosmosStore === 'memory' ? 'memory' : path.resolve(appRoot, local.cosmosStore),
      synchronous,
      log,
    });
  }
  let baseUrl = '';
  const paymentGateway = new PaymentGatewayEmulator({
    clock,
    database,
    apiKey: local.paymentGatewayApiKey,
    webhookSecret: local.paymentWebhookSecret,
    // Several paths register several endpoints (the Azure function and the AWS Lambda's URL, say), each taking
    // the charges its metadata filter names.
    webhookUrl: () => local.paymentWebhookPaths.map((p) => ({ url: `${baseUrl}${p.path}`, metadata: p.metadata })),
    confirmDelayMs: local.paymentConfirmDelayMs,
    latencyMs: local.paymentLatencyMs,
    slowMs: local.paymentSlowMs,
    log: (level, message) => log(level, `[payment-gateway] ${message}`),
  });
  const email = new LocalEmailService(() => clock.now(), database);
  const filled = new Map<string, string | undefined>();
  const fill = (name: string, value: string, target: Record<string, string>): void => {
    if (target[name]) return;
    filled.set(name, process.env[name]);
    target[name] = value;
    process.env[name] = value;
  };
  return {
    cosmos,
    paymentGateway,
    email,
    fill,
    mounts: [
      { prefix: PAYMENT_GATEWAY_PREFIX, authLevel: 'loopback', handle: (r) => paymentGateway.handle(r) },
      { prefix: EMAIL_PREFIX, authLevel: 'loopback', handle: (r) => email.handle(r) },
    ],
    connect(url, target) {
      baseUrl = url;
      if (cosmos) {
        fill('COSMOS_ENDPOINT', cosmos.endpoint, target);
        fill('COSMOS_KEY', cosmos.key, target);
      }
      fill('PAYMENT_GATEWAY_URL', `${url}${PAYMENT_GATEWAY_PREFIX}`, target);
      fill('EMAIL_SERVICE_URL', `${url}${EMAIL_PREFIX}`, target);
      // Only now do webhook URLs resolve: confirmations left pending by a previous run go out from here.
      paymentGateway.resumePending();
    },
    inFlight: () => paymentGateway.inFlight(),
    async stop() {
      await paymentGateway.stop();
      await email.stop();
      await cosmos?.stop();
      // Another platform in this process must not inherit endpoints of services that are gone.
      for (const [name, previous] of filled) {
        if (previous === undefined) delete process.env[name];
        else process.env[name] = previous;
      }
    },
  };
}
