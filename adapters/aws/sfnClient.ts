import { SFNClient } from '@aws-sdk/client-sfn';
import { ConfigurationError } from '../settings';

let cached: { key: string; client: SFNClient } | undefined;

/**
 * The Step Functions client. The region comes from AWS_REGION (Lambda sets it), the endpoint from the SDK's own
 * AWS_ENDPOINT_URL_SFN (set only to reach a local endpoint) and credentials from the SDK's default chain, so
 * nothing about the account lives in code. Rebuilt when either setting changes, as tests point it elsewhere.
 */
export function sfnClient(): SFNClient {
  const region = process.env.AWS_REGION;
  if (!region)
    throw new ConfigurationError(
      'AWS_REGION is not set; the Step Functions client needs it to complete waiting saga tasks. Lambda sets it ' +
        'itself; elsewhere set it (and AWS_ENDPOINT_URL_SFN for a local Step Functions endpoint) in the environment.',
    );
  const key = `${region}\n${process.env.AWS_ENDPOINT_URL_SFN ?? ''}`;
  if (cached?.key !== key) {
    cached?.client.destroy();
    cached = { key, client: new SFNClient({ region }) };
  }
  return cached.client;
}
