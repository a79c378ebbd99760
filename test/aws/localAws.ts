// Local stand-ins for what the AWS Lambda handlers talk to: Cosmos DB (the platform's local endpoint, with the app's
// containers) and the local Step Functions endpoint, with the app settings pointing at both.
import * as path from 'node:path';
import {
  cosmosConfigFromTemplate,
  loadArmTemplate,
  loadCosmosConfig,
  type LocalCosmos,
  startLocalCosmos,
} from '@cross-cloud-sagas/local-platform';
import { setEnv } from '../fixtures/env';
import { repoRoot } from '../fixtures/orderApp';
import { startStepFunctions, StepFunctionsHarness } from '../fixtures/stepFunctionsServer';

export interface LocalAws {
  cosmos: LocalCosmos;
  sfn: StepFunctionsHarness;
  stop(): Promise<void>;
}

/**
 * Cosmos DB with the Azure template's containers (seeded from infra/local/cosmos.json) and a Step Functions
 * endpoint; settings as a Lambda has them.
 */
export async function startLocalAws(extraSettings: Record<string, string> = {}): Promise<LocalAws> {
  const file = path.join(repoRoot, 'infra/local/cosmos.json');
  const template = loadArmTemplate(path.join(repoRoot, 'infra/azure/azuredeploy.json'));
  const config = cosmosConfigFromTemplate(template, { config: loadCosmosConfig(file), file });
  const cosmos = await startLocalCosmos(config, file);
  const sfn = await startStepFunctions();
  const restore = setEnv({
    COSMOS_ENDPOINT: cosmos.endpoint,
    COSMOS_KEY: cosmos.key,
    COSMOS_DATABASE: 'orders',
    AWS_REGION: 'us-east-1',
    AWS_ENDPOINT_URL_SFN: sfn.endpoint,
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_SESSION_TOKEN: undefined,
    AWS_PROFILE: undefined,
    // Inside Lambda the activities skip their Durable registration; the handlers must load the same way here.
    AWS_LAMBDA_FUNCTION_NAME: 'local-test',
    ...extraSettings,
  });
  return {
    cosmos,
    sfn,
    async stop() {
      await sfn.close();
      await cosmos.stop();
      restore();
    },
  };
}

export const AWAIT_EVENT_FUNCTION = 'arn:aws:lambda:us-east-1:000000000000:function:awaitEvent';

/** A `.waitForTaskToken` task invoking awaitEvent with the event, order and correlation of the execution input. */
export function awaitEventState(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    Type: 'Task',
    Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
    Parameters: {
      FunctionName: AWAIT_EVENT_FUNCTION,
      Payload: {
        'event.$': '$.event',
        'orderId.$': '$.orderId',
        'correlation.$': '$.correlation',
        'taskToken.$': '$$.Task.Token',
      },
    },
    ...extra,
  };
}

export interface CallbackDoc {
  waiting?: { taskToken: string; correlation: unknown };
  pending: { payload: Record<string, unknown> }[];
  log: { what: string; payload?: Record<string, unknown> }[];
}

export async function callbackDoc(aws: LocalAws, orderId: string, event: string): Promise<CallbackDoc | undefined> {
  const container = aws.cosmos.client.database('orders').container('callbacks');
  return (await container.item(`${orderId}:${event}`, orderId).read<CallbackDoc>()).resource;
}
