import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Clock } from './clock';
import { LocalEventBridge } from './eventBridge';
import { installEventBridgeResources, type InstalledEventBridgeResources } from './eventBridgeTemplate';
import { LocalFirehose } from './firehose';
import { installFirehoseResources } from './firehoseTemplate';
import type { MountedApi } from './http/mountedApi';
import {
  FUNCTION_URL_PREFIX,
  FunctionUrlApi,
  LAMBDA_API_PREFIX,
  LambdaInvokeApi,
  LocalLambdaRuntime,
  SamTemplate,
} from './lambda';
import type { ServiceDatabase } from './persistence/serviceDatabase';
import { type PlatformSettings, SettingsError } from './settings';
import { LocalStepFunctions } from './stepFunctions';

export const STEPFUNCTIONS_PREFIX = '/stepfunctions';
export const EVENTBRIDGE_PREFIX = '/eventbridge';
export const FIREHOSE_PREFIX = '/firehose';
/** The account and region of everything local; ARNs must agree between the Lambda runtime and Step Functions. */
export const LOCAL_AWS_REGION = 'us-east-1';
export const LOCAL_AWS_ACCOUNT = '000000000000';

export interface LocalAws {
  lambda: LocalLambdaRuntime;
  stepFunctions: LocalStepFunctions;
  eventBridge: LocalEventBridge;
  firehose: LocalFirehose;
  mounts: MountedApi[];
  /** Points the AWS SDK (in the Lambdas and in tools) at the local endpoints, through `fill`. */
  connect(baseUrl: string, fill: (name: string, value: string) => void): void;
  inFlight(): number;
  describe(baseUrl: string): string[];
  stop(): Promise<void>;
}

/** `CosmosEndpoint` → `COSMOS_ENDPOINT`: template parameters take the app setting of the same name. */
const settingName = (parameter: string): string => parameter.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase();

/**
 * The AWS half of the local clouds, read from the SAM template as `sam local` would: its Lambda functions run
 * in this process from their built handler files, its state machines are installed on the local Step Functions
 * endpoint (persisted in SQLite, so executions survive a restart). Returns undefined when the project has no
 * template.
 */
export interface LocalAwsOptions {
  appRoot: string;
  local: PlatformSettings;
  /** The app settings: template parameters take the setting of the same name. */
  settings: Record<string, string>;
  clock: Clock;
  /** The durable store is in memory: so is everything here. */
  memoryStore: boolean;
  /** Where EventBridge and Firehose keep what must survive a restart. */
  database: ServiceDatabase;
  log: (level: 'info' | 'warn' | 'error', message: string) => void;
}

export function startLocalAws({
  appRoot,
  local,
  settings,
  clock,
  memoryStore,
  database,
  log,
}: LocalAwsOptions): LocalAws | undefined {
  const templatePath = path.resolve(appRoot, local.awsTemplate ?? 'infra/aws/template.yaml');
  if (!fs.existsSync(templatePath)) {
    if (local.awsTemplate)
      throw new SettingsError(
        `LOCAL_AWS_TEMPLATE names ${templatePath}, which does not exist. Point it at the SAM template, or leave it empty to run without the local AWS side.`,
      );
    return undefined;
  }
  // Parameters take the app setting of the same name, else their default, else a visible stand-in: locally the
  // Lambdas read the platform's own settings anyway (process.env wins over the template's environment).
  const parameterOverrides: Record<string, string> = {};
  for (const [name, parameter] of SamTemplate.load(templatePath).parameters) {
    const value = settings[settingName(name)];
    if (value) parameterOverrides[name] = value;
    else if (parameter.default === undefined) parameterOverrides[name] = `local-${name}`;
  }
  const lambda = new LocalLambdaRuntime(templatePath, {
    clock,
    region: LOCAL_AWS_REGION,
    accountId: LOCAL_AWS_ACCOUNT,
    stackName: 'local',
    parameterOverrides,
    log,
  });
  const location =
    memoryStore || local.stepFunctionsStore === 'memory' ? ':memory:' : path.resolve(appRoot, local.stepFunctionsStore);
  if (location !== ':memory:') fs.mkdirSync(path.dirname(location), { recursive: true });
  const stepFunctions = new LocalStepFunctions({
    clock,
    lambda,
    location,
    region: LOCAL_AWS_REGION,
    accountId: LOCAL_AWS_ACCOUNT,
    log,
  });
  const firehose = new LocalFirehose({ clock, database, log });
  const eventBridge = new LocalEventBridge({
    clock,
    region: LOCAL_AWS_REGION,
    accountId: LOCAL_AWS_ACCOUNT,
    lambda,
    stepFunctions,
    firehose,
    database,
    log,
  });
  let installed: InstalledEventBridgeResources | undefined;
  const functionUrls = new FunctionUrlApi(lambda, clock);
  const invokeApi = new LambdaInvokeApi(lambda, log);

  return {
    lambda,
    stepFunctions,
    eventBridge,
    firehose,
    mounts: [
      { prefix: STEPFUNCTIONS_PREFIX, authLevel: 'loopback', handle: (r) => stepFunctions.handle(r) },
      { prefix: EVENTBRIDGE_PREFIX, authLevel: 'loopback', handle: (r) => eventBridge.handle(r) },
      { prefix: FIREHOSE_PREFIX, authLevel: 'loopback', handle: (r) => firehose.handle(r) },
      functionUrls.mount(FUNCTION_URL_PREFIX, 'loopback'),
      { prefix: LAMBDA_API_PREFIX, authLevel: 'loopback', handle: (r) => invokeApi.handle(r) },
    ],
    connect(baseUrl, fill) {
      fill('AWS_REGION', LOCAL_AWS_REGION);
      fill('AWS_ENDPOINT_URL_SFN', `${baseUrl}${STEPFUNCTIONS_PREFIX}`);
      fill('AWS_ENDPOINT_URL_LAMBDA', `${baseUrl}${LAMBDA_API_PREFIX}`);
      fill('AWS_ENDPOINT_URL_EVENTBRIDGE', `${baseUrl}${EVENTBRIDGE_PREFIX}`);
      fill('AWS_ENDPOINT_URL_FIREHOSE', `${baseUrl}${FIREHOSE_PREFIX}`);
      // The local endpoints accept any signature; the SDK still wants credentials to sign with.
      fill('AWS_ACCESS_KEY_ID', 'local');
      fill('AWS_SECRET_ACCESS_KEY', 'local');
      for (const sm of lambda.stateMachines()) {
        stepFunctions.createStateMachine({ name: sm.name, definition: JSON.stringify(sm.definition()) });
      }
      stepFunctions.start();
      // Parameter values may name the platform's own address (`{local}/api/...`): the template's API destinations
      // then call this platform's functions, wherever its port is.
      const overrides = Object.fromEntries(
        Object.entries(lambda.resolver.context.parameterOverrides ?? {}).map(([k, v]) => [
          k,
          v.replace('{local}', baseUrl),
        ]),
      );
      const context = { ...lambda.resolver.context, parameterOverrides: overrides };
      // Streams first: the rules' targets refer to them.
      const streams = installFirehoseResources(lambda.template, firehose, context, settings);
      firehose.resume();
      installed = installEventBridgeResources(
        lambda.template,
        eventBridge,
        { ...context, resourceValues: { ...(context.resourceValues ?? {}), ...streams } },
        settings,
      );
      eventBridge.resumeDeliveries();
    },
    inFlight: () => stepFunctions.inFlight() + lambda.inFlight() + eventBridge.inFlight() + firehose.inFlight(),
    describe: (baseUrl) => [
      `Step Functions: ${baseUrl}${STEPFUNCTIONS_PREFIX} (AWS_ENDPOINT_URL_SFN; state machines: ${lambda
        .stateMachines()
        .map((s) => s.name)
        .join(', ')})`,
      `EventBridge: ${baseUrl}${EVENTBRIDGE_PREFIX} (AWS_ENDPOINT_URL_EVENTBRIDGE; rules: ${installed?.rules.join(', ') || 'none'}${
        installed?.apiDestinations.length ? `; API destinations: ${installed.apiDestinations.join(', ')}` : ''
      })`,
      `Firehose: ${baseUrl}${FIREHOSE_PREFIX} (AWS_ENDPOINT_URL_FIREHOSE; delivery streams: ${
        firehose
          .streams()
          .map((s) => `${s.name} → ${s.endpointName}`)
          .join(', ') || 'none'
      })`,
      `Lambda: ${lambda.functions().length} functions from ${path.relative(appRoot, templatePath)}; invoke API ${baseUrl}${LAMBDA_API_PREFIX}, function URLs ${baseUrl}${FUNCTION_URL_PREFIX}/<name>/`,
    ],
    stop: async () => {
      await eventBridge.stop();
      await firehose.stop();
      await stepFunctions.stop();
    },
  };
}
