import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { regionalClient } from './regionalClient';

/**
 * The EventBridge client the Azure → AWS bridge publishes with. Outside AWS the credentials come from the SDK's
 * default chain too (AWS_ACCESS_KEY_ID/… app settings, or web identity federation from the Function App's managed
 * identity: AWS_ROLE_ARN + AWS_WEB_IDENTITY_TOKEN_FILE). The SDK's own retries are off: the bridge resends only the
 * entries that failed, with its own bounded backoff, and a whole-call retry inside the SDK would hide that count.
 */
export const eventBridgeClient = regionalClient(
  'AWS_ENDPOINT_URL_EVENTBRIDGE',
  'to publish integration events to EventBridge',
  (region) => new EventBridgeClient({ region, maxAttempts: 1 }),
);
