import { ConfigurationError } from '../settings';

interface Destroyable {
  destroy(): void;
}

/**
 * One AWS SDK client per service, built from the environment: the region from AWS_REGION (Lambda sets it), the
 * endpoint from the SDK's own AWS_ENDPOINT_URL_<SERVICE> (set only to reach a local endpoint), credentials from
 * the SDK's default chain, so nothing about the account lives in code. Rebuilt when either setting changes, as
 * tests point it elsewhere.
 */
export function regionalClient<C extends Destroyable>(
  endpointVariable: string,
  purpose: string,
  create: (region: string) => C,
): () => C {
  let cached: { key: string; client: C } | undefined;
  return () => {
    const region = process.env.AWS_REGION;
    if (!region)
      throw new ConfigurationError(
        `AWS_REGION is not set; the AWS client needs it ${purpose}. Lambda sets it itself; elsewhere set it (and ` +
          `${endpointVariable} for a local endpoint) in the environment or local.settings.json.`,
      );
    const key = `${region}\n${process.env[endpointVariable] ?? ''}`;
    if (cached?.key !== key) {
      cached?.client.destroy();
      cached = { key, client: create(region) };
    }
    return cached.client;
  };
}
